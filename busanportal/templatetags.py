"""Template tags of the site's own, registered as the ``site`` library in settings.

``{% capture as name %}…{% endcapture %}`` renders its content once and stores it in the
context: ``base.html`` wraps the ``title`` and ``description`` blocks in it, so that each page
names its title once and the ``<title>``, the description and the Open Graph and Twitter tags
all show the same words.
"""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


class CaptureNode(template.Node):
    """Render the enclosed nodes (blocks included) and store the result under ``name``."""

    child_nodelists = ("nodelist",)  # so that {% extends %} finds the blocks inside

    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # Rendered output is already escaped; keep it from being escaped twice.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """``{% capture as name %}…{% endcapture %}``."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
