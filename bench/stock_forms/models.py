"""A stock Wagtail form page, the baseline of bench/submit.py (enabled by cms.settings.bench)."""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField


class StockFormField(AbstractFormField):
    page = ParentalKey("StockFormPage", on_delete=models.CASCADE, related_name="form_fields")


class StockFormPage(AbstractEmailForm):
    """Wagtail 8's AbstractEmailForm as shipped: it sends its email inside the request."""

    template = "stock_forms/stock_form_page.html"
    landing_page_template = "stock_forms/stock_form_page_landing.html"
