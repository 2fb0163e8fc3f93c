"""Project-wide middleware that belongs to no app: response headers, the demo's error pages."""

import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control
from django.views import defaults

logger = logging.getLogger("django.request")


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on every response to a signed-in user that sets none itself.

    Everything a signed-in user is sent may carry personal or report data (client pages, exports,
    the quarterly report): no browser disk cache, back button on a shared computer or proxy should
    keep it. Static files are answered by WhiteNoise above this middleware and keep their caching;
    the health check is anonymous and sets its own header.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response


class ProductErrorPagesMiddleware:
    """With DEBUG on (the demo server of `make run`), answer with the product's own 404, 403, 400
    and 500 pages instead of Django's technical ones, which list every URL of the project (and
    show settings and tracebacks) to whoever watches the demo. Tracebacks still go to the console.

    Does nothing when DEBUG is off (Django already uses the product's pages) or when
    DJANGO_TECHNICAL_ERROR_PAGES=1 asks for Django's debug pages. Late in MIDDLEWARE (just before
    axes, which must be last), so the answers carry the other middleware's headers (CSP, no-store).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    @staticmethod
    def active() -> bool:
        return settings.DEBUG and not settings.TECHNICAL_ERROR_PAGES

    def __call__(self, request):
        if self.active():
            # A path no URL matches never reaches a view, so process_exception would not see it.
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exception:
                return defaults.page_not_found(request, exception)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not self.active():
            return None
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, exception)
        if isinstance(exception, BadRequest | SuspiciousOperation):
            return defaults.bad_request(request, exception)
        context = {"status_code": 500, "request": request}
        logger.error("Internal Server Error: %s", request.path, exc_info=exception, extra=context)
        return defaults.server_error(request)
