"""Form helpers shared by every app."""

from django import forms


class StyledForm(forms.Form):
    """Adds the Bootstrap classes, so templates can render ``{{ field }}`` as is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.RadioSelect):
                css = "form-select" if isinstance(widget, forms.Select) else ""
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
