"""The image pipeline through the real state machine: processing, quality check, metadata."""

from __future__ import annotations

import io

from PIL import Image

from chalicelib import aws
from chalicelib.services import jobs as job_service
from tests.functional.helpers import images_of, wait_status

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
    assert [p["name"] for p in done.plan] == ["prompts", "generate", "quality_check", "process", "metadata", "finalize"]
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
    assert [p["name"] for p in done.plan] == ["prompts", "generate", "process", "quality_check", "metadata", "finalize"]
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
