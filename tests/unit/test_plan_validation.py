"""Job builder plan validation (seed 002 "Validate"): errors make a plan unusable, warnings flag
orders that run but do nothing useful."""

from __future__ import annotations

from chalicelib.services.templates import PREDEFINED, validate_plan

FULL = ["prompts", "generate", "process", "quality_check", "metadata", "finalize"]


def codes(findings):
    return [f.code for f in findings]


def test_the_full_generation_plan_is_valid_without_warnings():
    report = validate_plan(FULL)
    assert report.valid
    assert report.errors == [] and report.warnings == []


def test_every_predefined_template_is_valid_without_warnings():
    for template in PREDEFINED:
        report = validate_plan(template["phases"])
        assert report.valid and report.warnings == [], template["name"]


def test_an_empty_plan_is_an_error():
    report = validate_plan([])
    assert not report.valid
    assert codes(report.errors) == ["empty_plan"]


def test_an_unknown_phase_is_an_error_pointing_at_it():
    report = validate_plan(["prompts", "upscale", "generate", "finalize"])
    assert not report.valid
    assert codes(report.errors) == ["unknown_phase"]
    assert report.errors[0].index == 1
    assert "upscale" in report.errors[0].message


def test_a_phase_name_that_is_not_text_is_an_unknown_phase():
    report = validate_plan(["prompts", 3, "finalize"])
    assert codes(report.errors) == ["unknown_phase"]
    assert report.errors[0].index == 1


def test_a_repeated_phase_is_an_error_pointing_at_the_repeat():
    report = validate_plan(["prompts", "generate", "metadata", "metadata", "finalize"])
    assert codes(report.errors) == ["duplicate_phase"]
    assert report.errors[0].index == 3


def test_generate_before_prompts_is_a_warning():
    report = validate_plan(["generate", "prompts", "finalize"])
    assert report.valid
    assert codes(report.warnings) == ["generate_before_prompts"]
    assert report.warnings[0].index == 0


def test_generate_without_prompts_is_a_warning():
    report = validate_plan(["generate", "finalize"])
    assert report.valid
    assert codes(report.warnings) == ["missing_prompts"]


def test_metadata_before_generation_warns_that_it_finds_no_images():
    report = validate_plan(["prompts", "metadata", "generate", "finalize"])
    assert report.valid
    assert codes(report.warnings) == ["runs_before_generation"]
    warning = report.warnings[0]
    assert warning.index == 1
    assert "runs before generation: it will find no images of this job" in warning.message


def test_each_image_phase_before_generation_gets_its_own_warning():
    report = validate_plan(["prompts", "process", "quality_check", "metadata", "generate", "finalize"])
    assert codes(report.warnings) == ["runs_before_generation"] * 3
    assert [w.index for w in report.warnings] == [1, 2, 3]


def test_finalize_not_last_is_a_warning():
    report = validate_plan(["prompts", "generate", "finalize", "metadata"])
    assert report.valid
    assert codes(report.warnings) == ["finalize_not_last"]
    assert report.warnings[0].index == 2


def test_a_plan_without_finalize_is_a_warning():
    report = validate_plan(["prompts", "generate"])
    assert report.valid
    assert codes(report.warnings) == ["missing_finalize"]
    assert report.warnings[0].index is None


def test_quality_check_before_process_is_fine_too():
    report = validate_plan(["prompts", "generate", "quality_check", "process", "finalize"])
    assert report.valid and report.warnings == []


def test_listing_remove_bg_warns_that_it_is_a_processing_setting():
    report = validate_plan(["prompts", "generate", "remove_bg", "process", "finalize"])
    assert report.valid
    assert codes(report.warnings) == ["remove_bg_is_a_setting"]
    assert "process" in report.warnings[0].message


def test_a_plan_without_generation_has_no_ordering_warnings():
    report = validate_plan(["metadata", "finalize"])
    assert report.valid and report.warnings == []


def test_warnings_are_still_reported_next_to_errors():
    report = validate_plan(["metadata", "generate", "generate"])
    assert codes(report.errors) == ["duplicate_phase"]
    assert set(codes(report.warnings)) == {"missing_prompts", "runs_before_generation", "missing_finalize"}


def test_the_report_serialises_to_the_api_shape():
    body = validate_plan(["prompts", "generate"]).to_dict()
    assert body["valid"] is True and body["errors"] == []
    assert body["warnings"][0].keys() == {"code", "message", "index"}
