"""Project-wide response headers that belong to no app."""

from django.utils.cache import patch_cache_control


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
