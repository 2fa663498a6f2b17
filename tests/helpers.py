"""Helpers shared by several test modules (fixtures themselves live in ``tests/conftest.py``)."""

from django.forms import CheckboxInput

#: The password of the ``editor`` fixture, for tests that sign in through the login form.
EDITOR_PASSWORD = "a-long-test-password-42"


def rendered_form_data(response):
    """The POST data a browser sends back for the admin change form in ``response``, unchanged:
    the main form, and each inline's management form and rows."""
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(field.field.widget, CheckboxInput):
                if value:
                    data[field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[field.html_name] = [str(item) for item in value]
            elif value is not None:
                data[field.html_name] = str(value)
    return data
