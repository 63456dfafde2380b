"""How far a cue reaches and whose a sign is: line breaks, plans, concerns, tests, roles,
someone else's relation. Sentences written here, each testing one rule (context.yaml,
concepts.yaml), not taken from the dev notes."""

from __future__ import annotations

from lantern.indicators.text.analyse import shared_analyser


def read(text: str, age: int | None = None):
    return next(shared_analyser().analyse([text], [age])).hits


def of(text: str, indicator: str, age: int | None = None):
    found = [h for h in read(text, age) if h.indicator == indicator]
    assert found, (text, [(h.indicator, h.text) for h in read(text, age)])
    return found[0]


def affirmed_categories(text: str, age: int | None = None) -> set[str]:
    return {h.category for h in read(text, age) if h.affirmed}


def test_a_line_break_ends_a_negation_and_a_reporter():
    text = "Chronology\n- 03/22 no statement given\n- 04/22 excluded from school\n- 05/22 MFH x2"
    assert of(text, "school_exclusion").affirmed
    text = "- 02/01 Dad rang re the rent\n- 09/01 found drunk in the park, returned by police"
    assert of(text, "intoxicated").affirmed


def test_a_plan_is_hypothetical_but_a_named_concern_stays_the_professionals():
    assert of(
        "School nurse to offer sexual health clinic appointment.", "sexual_health_attendance"
    ).hypothetical
    assert not of("CSE screening tool to be completed by SW.", "cse_concern_named").hypothetical
    assert of("Given a leaflet on CSE.", "cse_concern_named").hypothetical


def test_awareness_work_names_a_subject_taught_not_a_concern_about_the_child():
    # a teaching verb and a marker of general awareness work, in one clause
    for text in (
        "Talked with him about what exploitation might look like online.",
        "Discussed CSE awareness with her.",
        "Went over the warning signs of grooming with the group.",
    ):
        assert of(text, "cse_concern_named").hypothetical, text
    # a concern held, or signs seen in this child: no marker, or the marker elsewhere
    for text in (
        "Discussed CSE concerns with her.",
        "Discussed CSE concerns with her and did keeping safe work.",
        "Discussed with dad that he is showing signs of being groomed.",
    ):
        assert of(text, "cse_concern_named").affirmed, text
    # a disclosure in its own clause keeps its sign
    text = "Talked about what grooming looks like after she said an older man buys her phones."
    assert of(text, "cse_concern_named").hypothetical
    assert "gifts_money" in affirmed_categories(text)


def test_should_at_the_start_of_a_sentence_is_a_condition():
    assert of(
        "Should he come back under the influence, staff to call 111.", "intoxicated"
    ).hypothetical


def test_a_concern_about_sexual_abuse_is_not_a_disclosure():
    assert of(
        "Reason for enquiry: concern re sexual abuse.", "sexual_assault_disclosed"
    ).hypothetical
    assert of("She disclosed sexual abuse to her teacher.", "sexual_assault_disclosed").affirmed


def test_a_negative_result_in_shorthand():
    assert of("Urine hCG neg, routine before theatre.", "pregnancy", 12).negated


def test_contraception_for_a_child_the_note_says_is_not_sexually_active():
    text = "Came in asking about contraception. Not sexually active at present."
    assert of(text, "sexual_health_attendance", 15).hypothetical
    text = "Came in asking about contraception. Has a partner of 19."
    assert of(text, "sexual_health_attendance", 15).affirmed


def test_an_adult_named_by_role_is_not_an_older_associate():
    assert "older_associate" not in affirmed_categories("Went swimming with staff (Dave, 52).")
    assert "older_associate" not in affirmed_categories("Lives with her brother Kyle (23).")
    assert "older_associate" in affirmed_categories("Went swimming with Dave (52).")


def test_someone_elses_relation_by_name():
    text = "Sophie's older sister (17) was found at a hotel."
    assert of(text, "hotels_parties_flats").experiencer == "other"
    # the relation acts on the child: "them" includes her
    text = "Tia's brother (25) gives them lifts in his car."
    assert of(text, "seen_in_car_with_adult").experiencer == "subject"


def test_online_alone_is_a_medium_not_contact():
    assert "online_contact" not in affirmed_categories("Played games online with school friends.")
    assert "online_contact" in affirmed_categories("Talking online to a man she has never met.")


def test_a_mash_contact_is_not_a_message():
    assert "online_contact" not in affirmed_categories("Contact from school nurse re headlice.")


def test_soft_drinks_and_missing_as_a_verb():
    assert "substances" not in affirmed_categories("Party at the village hall, soft drinks only.")
    assert "missing" not in affirmed_categories("He is upset about missing his football match.")


def test_sexual_assault_is_not_an_injury():
    assert "physical_harm" not in affirmed_categories("He sexually assaulted her in the car.")


def test_a_person_is_not_a_place():
    assert "places" not in affirmed_categories("Seen in Darren's car on Friday.")


def test_family_home_is_not_a_place_sign():
    assert "places" not in affirmed_categories("Located at the home of her grandmother on Mill St.")


def test_abuse_by_a_family_member_without_a_determiner():
    assert of("Disclosed sexual abuse by stepfather Lee.", "sexual_abuse_intrafamilial")


def test_a_claim_the_note_refutes_is_negated():
    text = (
        "Concerns were that he was being given cannabis by older lads at the flat. "
        "Checks completed and found no evidence of this. Case closed."
    )
    assert of(text, "given_alcohol_drugs").negated
    text = (
        "Concerns were that he was being given cannabis by older lads at the flat. Strategy held."
    )
    assert of(text, "given_alcohol_drugs").affirmed


def test_a_record_made_for_another_named_child():
    text = "Mia (13, subject) and Leah (14) were out late. CSE referral for Leah."
    assert of(text, "cse_concern_named").experiencer == "other"


def test_another_resident_named_in_brackets_reports_their_own():
    text = "Sam (15) told staff about another resident (Ryan, 14) who keeps coming back with cash."
    assert of(text, "unexplained_gifts", 15).experiencer == "other"


def test_a_condition_after_a_heading():
    assert of("Plan: should she return drunk, staff to call 111.", "intoxicated").hypothetical


def test_police_words_of_advice():
    assert of(
        "Words of advice given re the risks of accepting lifts.", "seen_in_car_with_adult"
    ).hypothetical


def blaming(text: str, age: int | None = 14) -> list[str]:
    return [lang.phrase_id for lang in next(shared_analyser().analyse([text], [age])).language]


def test_blaming_language_is_the_writers_own_word():
    # the writer's framing of an adult as a boyfriend is blaming language
    assert blaming("She is with her boyfriend, who is 31.") == ["boyfriend_adult"]
    # in quotation marks the writer distances herself from it; in the child's reported
    # words it is the child's word for him; denied, it labels nobody
    assert blaming("She is with her 'boyfriend', who is 31.") == []
    assert blaming("She says he is her boyfriend and he is 31.") == []
    assert blaming("Not sexually active.", 14) == []
    assert blaming("Sexually active with a man of 20.", 14) == ["sexually_active_child"]


def test_blaming_kinds_from_the_reviews():
    assert blaming("Staff think she is crying wolf.") == ["disbelief"]
    assert blaming("He only has himself to blame.") == ["responsible_for_own_abuse"]
    assert blaming("Believed to be selling sex in the town centre.") == ["prostitution"]


def test_an_explanation_in_the_childs_quoted_words_explains_nothing():
    assert of("Bruising to both wrists, says 'from netball'.", "injury").affirmed
    # the writer's own explanation still explains
    assert "physical_harm" not in affirmed_categories("Bruising to both wrists from netball.")


def test_her_after_a_verb_of_doing_is_the_child():
    text = "Her aunt's boyfriend made her do things in his car."
    assert of(text, "sexual_assault_disclosed").experiencer == "subject"


def test_a_quotation_after_and_ends_a_negation():
    text = "She didn't know where she was and 'the men kept her there'."
    assert of(text, "older_associates").affirmed


def test_an_age_after_older():
    assert "older_associate" in affirmed_categories("Says he is older, 27 maybe.")
