"""The page editors add for the sample kind: nothing but the kind's name."""

from membership_forms.models import AbstractApplicationFormPage


class EventRegistrationFormPage(AbstractApplicationFormPage):
    kind = "event"

    class Meta:
        verbose_name = "event registration form page"
