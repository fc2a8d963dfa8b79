"""Language choice: the web UI speaks Bahasa Indonesia unless the user picked English (the
language cookie set by the switcher), whatever the browser's own language; the API follows the
client's Accept-Language, as its document says."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = self.language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        response.headers.setdefault("Content-Language", language)
        return response

    def language_for(self, request) -> str:
        if request.path.startswith("/api/"):
            return translation.get_language_from_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        return chosen if chosen in self.supported else settings.LANGUAGE_CODE
