"""docs/api.md stays true: its live-event table is what the event classes say."""

from hallq import apidocs
from hallq.events import EVENT_TYPES


def test_every_event_type_is_documented_as_the_code_says():
    text = apidocs.DOC.read_text(encoding="utf-8")
    assert apidocs.current_section(text) == apidocs.events_section(), "run: python -m hallq.apidocs"
    for cls in EVENT_TYPES:
        assert cls.__doc__ and len(cls.__doc__.split()) >= 5, f"{cls.type} needs a docstring"
        assert f"`{cls.type}`" in text
