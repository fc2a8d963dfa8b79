"""The REST API (django-ninja): one NinjaAPI, each app adds its router."""

from ninja import NinjaAPI

api = NinjaAPI(title="Kesos API", version="1", urls_namespace="api")
