"""StreamField blocks shared by the editorial page types."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.api.fields import ImageRenditionField
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        template = "cms/blocks/heading.html"
        label = _("Heading")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quotation"))
    attribution = blocks.CharBlock(required=False, label=_("Attribution"))

    class Meta:
        icon = "openquote"
        template = "cms/blocks/quote.html"


class ListBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(blocks.CharBlock(label=_("Item")), **kwargs)

    class Meta:
        icon = "list-ul"
        template = "cms/blocks/list.html"


class ImageWithRenditionBlock(ImageBlock):
    """An image whose API representation carries a ready-to-use rendition, not just an id."""

    def get_api_representation(self, value, context=None):
        data = super().get_api_representation(value, context=context)
        if value is not None:
            data["rendition"] = ImageRenditionField("width-1200").to_representation(value)
        return data

    class Meta:
        icon = "image"
        template = "cms/blocks/image.html"


class CallToActionBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=80)
    page = blocks.PageChooserBlock()

    class Meta:
        icon = "link"
        template = "cms/blocks/call_to_action.html"


class BodyBlock(blocks.StreamBlock):
    """The body of standard pages, articles and events."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "document-link", "ol", "ul"], label=_("Paragraph")
    )
    list = ListBlock(label=_("List"))
    quote = QuoteBlock(label=_("Quote"))
    image = ImageWithRenditionBlock(label=_("Image"))
    document = DocumentChooserBlock(label=_("Document"), template="cms/blocks/document.html")
    embed = EmbedBlock(label=_("Embedded media"), template="cms/blocks/embed.html")
    call_to_action = CallToActionBlock(label=_("Call to action"))
    offices = blocks.StaticBlock(
        label=_("Offices"),
        admin_text=_(
            "The offices (Snippets, Offices) with their addresses and phone numbers, in the "
            "page's language."
        ),
        template="cms/blocks/offices.html",
    )


class PriorityBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock()

    class Meta:
        icon = "pick"
