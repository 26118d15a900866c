from django.apps import AppConfig


class StockFormsConfig(AppConfig):
    name = "bench.stock_forms"
    label = "stock_forms"
    default_auto_field = "django.db.models.BigAutoField"
