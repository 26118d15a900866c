"""Bench only: the stock form page takes posts without a CSRF token, as wrk sends none."""


class ExemptStockFormFromCsrf:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/stock-form/"):
            request._dont_enforce_csrf_checks = True
        return self.get_response(request)
