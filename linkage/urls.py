from django.urls import path  # noqa: F401

from . import dashboard_views, review_views, run_views

urlpatterns: list = [
    path("", dashboard_views.quality_dashboard, name="linkage_dashboard"),
    path("proses/", dashboard_views.run_list, name="linkage_run_list"),
    path("proses/mulai/", run_views.pipeline_start, name="linkage_pipeline_start"),
    path("snapshot/mulai/", run_views.snapshot_start, name="linkage_snapshot_start"),
    path("proses/<str:name>/", dashboard_views.run_detail, name="linkage_run_detail"),
    path("proses/<str:name>/pembersihan/", dashboard_views.run_cleanse,
         name="linkage_run_cleanse"),
    path("proses/<str:name>/terapkan/", dashboard_views.run_apply_confirm,
         name="linkage_run_apply_confirm"),
    path("proses/<str:name>/usulan/", dashboard_views.run_records, name="linkage_run_records"),
    path("proses/<str:name>/kembalikan/", dashboard_views.run_revert_confirm,
         name="linkage_run_revert_confirm"),
    path("tinjauan/", review_views.review_queue, name="linkage_review_queue"),
    path("tinjauan/<int:pair_id>/", review_views.review_pair, name="linkage_review_pair"),
]
