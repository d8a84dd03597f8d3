"""templates/_filter_fields.html: each field of a filter bar, with its label, widget, help and
errors."""

from __future__ import annotations

from django import forms
from django.template import Context, Template


class SearchForm(forms.Form):
    name = forms.CharField(
        label="Name <or city>",
        required=False,
        help_text="Part of the <b>name</b>.",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=[("", "Any"), ("police", "Police")],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


def render(form: forms.Form, col: str = "") -> str:
    source = '{% include "_filter_fields.html" with form=form col=col %}'
    return Template(source).render(Context({"form": form, "col": col}))


def test_each_field_has_its_label_widget_and_help_text():
    html = render(SearchForm({"name": "Duluth", "kind": "police"}))
    assert html.count('<div class="col-sm-6 col-lg">') == 2
    assert '<label class="form-label small" for="id_name">Name &lt;or city&gt;</label>' in html
    assert 'value="Duluth"' in html and 'class="form-control"' in html
    # The help text is escaped and named by the input it describes.
    assert '<div class="form-text" id="id_name_helptext">Part of the &lt;b&gt;name' in html
    assert 'aria-describedby="id_name_helptext"' in html
    assert '<option value="police" selected>Police</option>' in html
    assert "text-danger" not in html


def test_an_error_is_shown_beside_its_field_and_the_value_kept():
    html = render(SearchForm({"name": "x", "kind": "<script>"}))
    assert '<div class="text-danger small">Select a valid choice. &lt;script&gt; is not' in html
    assert 'aria-invalid="true"' in html
    assert "<script>" not in html
    assert 'value="x"' in html


def test_the_column_class_is_the_callers():
    html = render(SearchForm(), col="col-sm-6 col-lg-3")
    assert html.count('<div class="col-sm-6 col-lg-3">') == 2
