"""Downloads of the flow's scanned documents (a submission's decree, a meeting's signed Berita
Acara): looked up within the user's scope (else 404), checked and audited by
registration.services.documents, sent privately (never cached, never public media)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from audit import services as audit

from .. import selectors
from ..services import documents

INLINE_TYPES = set(documents.SCAN_TYPES.values())


def _send(document: documents.Document) -> FileResponse:
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=document.content_type not in INLINE_TYPES,
        filename=document.name,
        content_type=document.content_type,
    )
    add_never_cache_headers(response)
    response["Cache-Control"] += ", private"
    return response


def _ctx(request: HttpRequest) -> audit.Context:
    return audit.Context(actor=request.user, source_ref=request.path[:100])


@login_required
@require_GET
def submission_decree(request: HttpRequest, submission_id: int) -> FileResponse:
    """The bupati/walikota's decree of a submission, for those who may see the submission."""
    try:
        submission = selectors.submissions_for(request.user).get(pk=submission_id)
        return _send(documents.open_decree(_ctx(request), submission))
    except (ObjectDoesNotExist, FileNotFoundError):
        raise Http404 from None


@login_required
@require_GET
def meeting_signed_minutes(request: HttpRequest, meeting_id: int) -> FileResponse:
    """The signed Berita Acara scan of a meeting, for those who may see the meeting."""
    try:
        meeting = selectors.meetings_for(request.user).get(pk=meeting_id)
        return _send(documents.open_signed_minutes(_ctx(request), meeting))
    except (ObjectDoesNotExist, FileNotFoundError):
        raise Http404 from None
