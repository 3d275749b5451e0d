"""A one-word person answer is given by the whole name an earlier sentence of its release gives (qa.answer.full_name),
that sentence cited first."""

from __future__ import annotations

from qa.answer.candidates import Evidence
from qa.answer.full_name import in_full, names_in_full
from qa.answer.lift import Span
from qa.text import analyze, sentences

MUSIC = ("Thomas Newman returned as the film's composer after scoring Skyfall. Newman composed the score after the "
         "film had moved into post-production.")
TWO = "Thomas Newman and Randy Newman were both asked. Newman composed the score."
SCRIPT = ("The story was changed by scenario writers Mitsuhiro Takano and Aya Kyogoku. Takano created the script for "
          "the story scenes.")


def _answer(release: str, word: str) -> Evidence:
    last = sentences.spans(release)[-1]
    sentence = release[last[0]:last[1]]
    at = sentence.rindex(word)
    return Evidence(release_id="r1", title="t", date="", source="", release_text=release, spans=[last],
                    chunk_ids=["c1"], short=Span(word, at, at + len(word)))


def test_a_surname_answer_is_given_by_the_whole_name_its_release_gives_first() -> None:
    whole = in_full(_answer(MUSIC, "Newman"))
    assert whole.short is not None and whole.short.text == "Thomas Newman"
    # The sentence that gives the name is cited before the answer's own, and the name stands where it points.
    assert len(whole.spans) == 2 and whole.text[whole.short.start:whole.short.end] == "Thomas Newman"


def test_a_name_the_small_recogniser_calls_a_body_is_still_a_name_when_no_word_is_english() -> None:
    whole = in_full(_answer(SCRIPT, "Takano"))
    assert whole.short is not None and whole.short.text == "Mitsuhiro Takano"


# The whole name earlier in the answer's own sentence, in a quote's brackets.
SAME = ("The meeting was brief. “I came to spend time with [Marine Corps Gen. Thomas D. Waldhauser], our theater "
        "commander,” the secretary said at a news conference with Waldhauser in Djibouti.")


def test_a_surname_answer_is_given_by_the_whole_name_earlier_in_its_own_sentence() -> None:
    answer = _answer(SAME, "Waldhauser")
    whole = in_full(answer)
    assert whole.short is not None and whole.short.text.endswith("Thomas D. Waldhauser")
    # Nothing more is cited: the name stands in the answer's own sentence, where the span points.
    assert whole.spans == answer.spans and whole.text[whole.short.start:whole.short.end] == whole.short.text


def test_two_people_who_share_the_word_leave_the_answer_as_it_is() -> None:
    answer = _answer(TWO, "Newman")
    assert in_full(answer) is answer


# As casualty releases list them: a line each.
CASUALTIES = ("Lance Cpl. Brandon J. Webb, 20, of Swartz Creek, Mich.\n\nPfc. Christopher N. White, 23, of Southport, "
              "N.C.\n\nWebb and White died June 20 in Al Anbar province, Iraq.")


def test_people_named_by_surname_hold_the_whole_names_and_titles_their_release_gave_them() -> None:
    terms = names_in_full(_answer(CASUALTIES, "Webb"), ["Webb and White died June 20"])
    assert set(analyze.terms("Lance Cpl. Brandon J. Webb Pfc. Christopher N. White")) <= terms, terms
    # A surname two people of the release share tells neither.
    assert names_in_full(_answer(TWO, "Newman"), ["Newman composed the score."]) == set()


# The small recogniser labels neither word of the minister's name; the parser compounds them onto the surname.
MINISTER = ("Secretary of Defense Mark T. Esper met with Minister of Defense Nyamaa Enkhbold of Mongolia to discuss "
            "shared commitments. Secretary Esper thanked Minister Enkhbold for Mongolia's commitment to exporting "
            "security.")


def test_a_name_the_recogniser_misses_is_whole_by_the_parse_s_compound() -> None:
    whole = in_full(_answer(MINISTER, "Enkhbold"))
    assert whole.short is not None and whole.short.text == "Nyamaa Enkhbold"
