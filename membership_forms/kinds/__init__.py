"""Form kinds: a registry of `KindSpec`, one module per kind.

    from membership_forms import kinds
    kinds.get("membership").reference_prefix  # "MEM"
    [spec.key for spec in kinds.all()]

Adding a kind is one module calling `kinds.register(KindSpec(...))` plus its page model,
templates and translations (docs/architecture.md). A project or another app registers its
own kinds the same way, from its AppConfig.ready().
"""

from .fields import (
    CHOICE_TYPES,
    CORE_ONLY_TYPES,
    FREQUENCIES,
    MULTIPLE_TYPES,
    CoreField,
    FieldType,
)
from .registry import (
    KindSpec,
    Retention,
    UnknownKind,
    all,
    core_fields,
    for_queue,
    get,
    kind_choices,
    names,
    page_models,
    register,
    unregister,
)

# The plugin's own kinds, registered on import, in the order the admin lists them.
# isort: off
from . import membership, supporter, internship, donation, newsletter, contact  # noqa: F401
# isort: on

__all__ = [
    "CHOICE_TYPES",
    "CORE_ONLY_TYPES",
    "FREQUENCIES",
    "MULTIPLE_TYPES",
    "CoreField",
    "FieldType",
    "KindSpec",
    "Retention",
    "UnknownKind",
    "all",
    "core_fields",
    "for_queue",
    "get",
    "kind_choices",
    "names",
    "page_models",
    "register",
    "unregister",
]
