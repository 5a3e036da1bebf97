"""The image pipeline through the real state machine: processing, quality check, metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from chalicelib import aws
from chalicelib.models import DeletionModel
from chalicelib.services import jobs as job_service
from tests.functional.helpers import images_of, wait_status, wait_until

FULL_PROCESSING = {
    "remove_bg": True,
    "trim_transparent": True,
    "convert": True,
    "convert_format": "jpg",
    "jpg_quality": 70,
    "enhance": True,
    "sharpening": 5,
    "saturation": 1.4,
}


def _open(key: str) -> Image.Image:
    return Image.open(io.BytesIO(aws.get_object(key)))


def test_a_fully_processed_job_gives_jpegs_with_thumbnails_qc_statuses_and_metadata(workspace):
    job = job_service.start_job(
        workspace,
        {"config": {"generations": 3, "keywords": ["red fox"], "processing": FULL_PROCESSING}},
    )
    done = wait_status(job.job_id, "completed", timeout=60)
    assert [p["name"] for p in done.plan] == [
        "prompts",
        "generate",
        "quality_check",
        "process",
        "metadata",
        "finalize",
    ]
    images = images_of(job.job_id)
    assert len(images) == 3
    for image in images:
        assert image.status == "approved", (image.status, image.failure)
        assert image.qc_reason
        final = _open(image.current_key)
        assert final.format == "JPEG" and image.current_key.endswith(".jpg")
        thumb = _open(image.thumbnail_key)
        assert max(thumb.size) <= 384
        assert 8 <= len(image.title.split()) <= 12
        assert 150 <= len(image.description) <= 250
        assert len(image.tags) == 15


def test_without_background_removal_processing_runs_before_the_quality_check(workspace):
    job = job_service.start_job(
        workspace,
        {"config": {"generations": 1, "processing": {"convert": True, "convert_format": "webp"}}},
    )
    done = wait_status(job.job_id, "completed", timeout=60)
    assert [p["name"] for p in done.plan] == [
        "prompts",
        "generate",
        "process",
        "quality_check",
        "metadata",
        "finalize",
    ]
    (image,) = images_of(job.job_id)
    assert _open(image.current_key).format == "WEBP"
    assert image.status == "approved"


def test_a_blank_image_fails_the_offline_quality_check_with_its_reason(workspace, monkeypatch):
    from chalicelib.providers.base import GeneratedImage
    from chalicelib.providers.local import LocalProvider

    def blank(self, request):
        buffer = io.BytesIO()
        Image.new("RGB", (request.width, request.height), "white").save(buffer, "PNG")
        return [GeneratedImage(buffer.getvalue(), "image/png", "png", request.seed)] * request.variations

    monkeypatch.setattr(LocalProvider, "generate", blank)
    job = job_service.start_job(workspace, {"config": {"generations": 2}})
    done = wait_status(job.job_id, "completed", timeout=60)
    images = images_of(job.job_id)
    assert {i.status for i in images} == {"qc_failed"}
    assert all("blank" in i.failure["message"] for i in images)
    assert images[0].failure["category"] == "QC Failed"
    assert int(done.images_ok) == 2  # produced, then rejected: the job itself completed


def _blank_then_real(monkeypatch, blank_calls: int):
    """The first generations come out blank (QC fails them); later ones are real."""
    from chalicelib.providers.base import GeneratedImage
    from chalicelib.providers.local import LocalProvider

    original = LocalProvider.generate
    state = {"n": 0}

    def generate(self, request):
        state["n"] += 1
        if state["n"] > blank_calls:
            return original(self, request)
        buffer = io.BytesIO()
        Image.new("RGB", (request.width, request.height), "white").save(buffer, "PNG")
        return [GeneratedImage(buffer.getvalue(), "image/png", "png", request.seed)] * request.variations

    monkeypatch.setattr(LocalProvider, "generate", generate)


def test_a_retry_with_custom_settings_approves_the_image_and_leaves_the_job_configuration_alone(
    workspace, monkeypatch
):
    from chalicelib.models import ConfigModel

    _blank_then_real(monkeypatch, blank_calls=1)
    job = job_service.start_job(workspace, {"config": {"generations": 2, "ai": {"metadata": False}}})
    wait_status(job.job_id, "completed", timeout=60)
    failed = [i for i in images_of(job.job_id) if i.status == "qc_failed"]
    assert len(failed) == 1
    config_before = ConfigModel.get(job.config_id).config

    from chalicelib.services import images as image_service

    custom = {"convert": True, "convert_format": "jpg", "jpg_quality": 60}
    retry = image_service.retry_images(
        workspace, {"ids": [failed[0].image_id], "mode": "custom", "processing": custom}
    )
    assert retry.retry["image_ids"] == [failed[0].image_id]
    done = wait_status(retry.job_id, "completed", timeout=60)
    assert int(done.images_ok) == 1

    (image,) = [i for i in images_of(job.job_id) if i.image_id == failed[0].image_id]
    assert image.status == "approved"
    assert image.qc_reason == "Retry processing successful"
    assert image.processing_settings["convert_format"] == "jpg"
    assert _open(image.current_key).format == "JPEG"
    assert ConfigModel.get(job.config_id).config == config_before
    assert job_service.job_repo.get_job(job.job_id).snapshot["processing"]["convert"] is False


def test_a_failed_image_can_be_approved_by_hand_and_deleted(workspace, monkeypatch):
    from chalicelib.errors import InvalidStateError
    from chalicelib.services import images as image_service

    _blank_then_real(monkeypatch, blank_calls=2)
    job = job_service.start_job(workspace, {"config": {"generations": 2, "ai": {"metadata": False}}})
    wait_status(job.job_id, "completed", timeout=60)
    first, second = images_of(job.job_id)
    approved = image_service.approve_image(workspace, first.image_id)
    assert approved.status == "approved" and approved.qc_reason == "Manually approved by user"
    with pytest.raises(InvalidStateError):
        image_service.approve_image(workspace, first.image_id)
    deletion = image_service.delete_images(workspace, {"ids": [second.image_id]})
    wait_until(lambda: [i.image_id for i in images_of(job.job_id)] == [first.image_id])
    wait_until(lambda: DeletionModel.get(deletion.deletion_id).status == "done")
    keys = [
        o["Key"]
        for o in aws.s3().list_objects_v2(Bucket=_bucket(), Prefix=f"jobs/{job.job_id}/").get("Contents", [])
    ]
    assert not any(second.image_id in key for key in keys)


def _bucket() -> str:
    from chalicelib.settings import get_settings

    return get_settings().bucket
