"""Properties that hold for any input: analysis never fails, scores stay in [0, 1]."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from filet.names import analyse, compare, name_keys

_ALPHABETS = st.sampled_from(
    [
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ -'.<",
        "محمدعبالرحنیگلپچژښګټډړڼځڅےہھ ",
        "ተስፋዬገብረመድህንኣብርሃምኽለወ/ ",
        "ОленаШевченкоЮрійіїєґ ",
        "0123456789<<-., ",
    ]
)


@st.composite
def names(draw: st.DrawFn) -> str:
    alphabet = draw(_ALPHABETS)
    return draw(st.text(alphabet=alphabet, max_size=30))


@settings(max_examples=60, deadline=None)
@given(names(), names())
def test_any_two_names_compare_within_unit_interval(left: str, right: str) -> None:
    result = compare(left, right)
    assert 0.0 <= result.score <= 1.0
    assert 0.0 <= result.quality <= 1.0
    assert len(result.matches) <= min(len(analyse(left).names), len(analyse(right).names))


@settings(max_examples=60, deadline=None)
@given(names())
def test_a_name_matches_itself_best(name: str) -> None:
    analysed = analyse(name)
    if not analysed.names:
        return
    itself = compare(analysed, analysed)
    assert itself.quality == 1.0
    assert name_keys(analysed) == analysed.keys()
