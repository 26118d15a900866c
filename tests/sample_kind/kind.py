"""A sixth kind declared outside the plugin, to prove a kind is one declaration:
registration for an event, acknowledged to the person, alerted to staff, no review."""

from membership_forms.kinds import CoreField, FieldType, KindSpec, Retention, register

SPEC = register(
    KindSpec(
        key="event",
        label="Event registration",
        reference_prefix="EVT",
        page_model="sample_kind.EventRegistrationFormPage",
        core_fields=(
            CoreField("full_name", FieldType.SINGLELINE, "Full name", max_length=200),
            CoreField("email", FieldType.EMAIL, "Email"),
            CoreField("attending_online", FieldType.BOOLEAN, "Will you attend online?"),
        ),
        contact_fields=("email", "full_name"),
        privacy_note="We use your answers only for this event and delete them %(days)s days on.",
        submit_label="Register",
        retention=Retention.RECEIPT,
        duplicate_family="event",
    )
)
