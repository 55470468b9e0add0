"""``{% print_documents app as docs %}``: the documents a case's page offers to print (the
steps the case has passed), so that the page and the print views share one list."""

from django import template

from jiuzhu.cases.views_print import documents_for

register = template.Library()


@register.simple_tag
def print_documents(app):
    return documents_for(app)
