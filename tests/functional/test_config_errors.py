"""Every out-of-range or ill-typed setting is refused with a 400 naming it (SPEC §2)."""

from __future__ import annotations

import pytest
import requests

from tests.functional.test_http_api import TOKEN, api, call  # noqa: F401 - the api fixture

BAD_SETTINGS = [
    ({"provider": "dalle"}, "provider"),
    ({"keywords": "fox"}, "keywords"),
    ({"keywords": ["fox", ""]}, "keywords[1]"),
    ({"keyword_random": "yes"}, "keyword_random"),
    ({"generations": 2501}, "generations"),
    ({"generations": 1.5}, "generations"),
    ({"variations": 0}, "variations"),
    ({"variations": 21}, "variations"),
    ({"generations": 1000, "variations": 11}, "variations"),
    ({"parameters": {"dimensions": ["64x64"]}}, "parameters.dimensions[0]"),
    ({"parameters": {"dimensions": ["1024x4096"]}}, "parameters.dimensions[0]"),
    ({"parameters": {"dimensions": ["big"]}}, "parameters.dimensions[0]"),
    ({"parameters": {"format": "gif"}}, "parameters.format"),
    ({"parameters": {"polling_timeout_min": 0}}, "parameters.polling_timeout_min"),
    ({"parameters": {"polling_timeout_min": 61}}, "parameters.polling_timeout_min"),
    ({"parameters": {"retry_attempts": 0}}, "parameters.retry_attempts"),
    ({"parameters": {"retry_attempts": 6}}, "parameters.retry_attempts"),
    ({"parameters": {"retry_backoff_ms": -1}}, "parameters.retry_backoff_ms"),
    ({"parameters": {"retry_backoff_ms": 60001}}, "parameters.retry_backoff_ms"),
    ({"parameters": {"max_concurrency": 0}}, "parameters.max_concurrency"),
    ({"parameters": {"max_concurrency": 17}}, "parameters.max_concurrency"),
    ({"parameters": {"process_mode": "slow"}}, "parameters.process_mode"),
    ({"parameters": {"aspect_ratios": ["4:3"]}}, "parameters.aspect_ratios[0]"),
    ({"parameters": {"mj_version": "5"}}, "parameters.mj_version"),
    ({"parameters": {"advanced": {"steps": "many"}}}, "parameters.advanced.steps"),
    ({"parameters": {"lora": [""]}}, "parameters.lora[0]"),
    ({"processing": {"remove_bg_size": "50MP"}}, "processing.remove_bg_size"),
    ({"processing": {"remove_bg_failure_mode": "fail"}}, "processing.remove_bg_failure_mode"),
    ({"processing": {"convert_format": "gif"}}, "processing.convert_format"),
    ({"processing": {"jpg_quality": 0}}, "processing.jpg_quality"),
    ({"processing": {"webp_quality": 101}}, "processing.webp_quality"),
    ({"processing": {"jpg_background": "red"}}, "processing.jpg_background"),
    ({"processing": {"sharpening": 10.5}}, "processing.sharpening"),
    ({"processing": {"sharpening": -1}}, "processing.sharpening"),
    ({"processing": {"saturation": 2.1}}, "processing.saturation"),
    ({"processing": {"blur": 3}}, "processing.blur"),
    ({"ai": {"quality_check": 1}}, "ai.quality_check"),
    ({"debug": "on"}, "debug"),
    ({"approval": None}, "approval"),
    ({"plan": ["generate", "upscale"]}, "plan[1]"),
    ({"plan": ["generate", "generate"]}, "plan[1]"),
    ({"api_keys": {"openai": "sk-1"}}, "api_keys"),
    ({"keywords_file": {"name": "k.pdf", "content": "x"}}, "keywords_file.name"),
    ({"keywords_file": {"name": "k.csv", "content": "A,B\n1\n"}}, "keywords_file"),
]


@pytest.mark.parametrize("config,field", BAD_SETTINGS, ids=[field for _, field in BAD_SETTINGS])
def test_a_bad_setting_is_a_400_naming_it(api, config, field):  # noqa: F811
    response = call(api, "POST", "/api/jobs", json={"config": config})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["field"] == field
    assert error["code"] == "invalid_input"


def test_a_non_object_config_is_a_400(api):  # noqa: F811
    response = requests.post(
        f"{api}/api/jobs", json={"config": [1, 2]}, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "config"
