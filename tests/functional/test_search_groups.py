"""Search postings are written per group (the images one task stores together), not per image:
a batch's shared terms cost one write each, and search still finds every image, page by page,
within date ranges, after deletions, and after a task died before writing its groups."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import search
from chalicelib.models import ImageModel, ImageTermModel, JobModel
from chalicelib.repositories import images as image_repo
from chalicelib.repositories.images import ImageQuery, Postings, list_images

START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def _job(workspace: str) -> str:
    job_id = uuid.uuid4().hex
    JobModel(
        job_id, workspace=workspace, label="j", status="completed", snapshot={}, plan=[], created_at=START
    ).save()
    return job_id


def _image(workspace: str, job_id: str, number: int, prompt: str, created: datetime) -> ImageModel:
    return ImageModel(
        f"{job_id}.{number:05d}.00",
        job_id=job_id,
        workspace=workspace,
        generation=number,
        variation=0,
        keyword=prompt,
        prompt=prompt,
        provider="local",
        seed=number,
        status="approved",
        created_at=created,
    )


def _stored_together(
    workspace: str, count: int, prompt: str = "harbour boats at dawn", start: datetime = START
) -> list[ImageModel]:
    """`count` images stored by one task, a second apart: one posting group."""
    job_id, postings = _job(workspace), Postings()
    made = [
        _image(workspace, job_id, n, f"{prompt} number{n}", start + timedelta(seconds=n))
        for n in range(count)
    ]
    for image in made:
        image_repo.save_image(image, postings=postings)
    postings.flush()
    return made


def ids(page) -> list[str]:
    return [image.image_id for image in page.items]


def test_a_batch_writes_one_posting_per_term_and_every_image_is_found(workspace):
    made = _stored_together(workspace, 6)
    assert [p.ids for p in ImageTermModel.query(search.term_key(workspace, "harbour"))] == [
        {f"{n:05d}.00" for n in range(6)}
    ]
    assert ids(list_images(workspace, ImageQuery(text="harbour boats"))) == [
        i.image_id for i in reversed(made)
    ]
    assert ids(list_images(workspace, ImageQuery(text="harbour", sort="oldest"))) == [
        i.image_id for i in made
    ]
    assert ids(list_images(workspace, ImageQuery(text="harbour number3"))) == [made[3].image_id]
    page = list_images(workspace, ImageQuery(text="harbour"))
    assert page.counts is not None and page.counts["approved"] == 6


@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("limit", [2, 3])
def test_pages_end_inside_a_group_and_the_cursor_carries_on_there(workspace, sort, limit):
    made = _stored_together(workspace, 5) + _stored_together(workspace, 4, start=START + timedelta(hours=1))
    seen, cursor = [], None
    while True:
        page = list_images(workspace, ImageQuery(text="harbour", sort=sort, limit=limit, cursor=cursor))
        assert len(page.items) <= limit
        seen += ids(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    expected = [i.image_id for i in made]
    assert seen == (expected if sort == "oldest" else expected[::-1])


def test_a_date_range_finds_an_image_later_in_its_group(workspace):
    made = _stored_together(workspace, 5)
    later = START + timedelta(seconds=3)
    found = list_images(workspace, ImageQuery(text="harbour", created_from=later))
    assert ids(found) == [made[4].image_id, made[3].image_id]
    found = list_images(workspace, ImageQuery(text="harbour", created_to=START + timedelta(seconds=1)))
    assert ids(found) == [made[1].image_id, made[0].image_id]


def test_deleting_some_images_of_a_group_keeps_the_others_findable(workspace):
    made = _stored_together(workspace, 4)
    image_repo.delete_images([made[1], made[2]])
    assert ids(list_images(workspace, ImageQuery(text="harbour"))) == [made[3].image_id, made[0].image_id]
    assert [p.ids for p in ImageTermModel.query(search.term_key(workspace, "harbour"))] == [
        {"00000.00", "00003.00"}
    ]
    image_repo.delete_images([made[0], made[3]])
    assert list(ImageTermModel.query(search.term_key(workspace, "harbour"))) == []


def test_a_task_that_died_before_writing_its_groups_has_them_written_back_when_run_again(workspace):
    job_id, lost = _job(workspace), Postings()
    image = _image(workspace, job_id, 0, "lighthouse in fog", START)
    image_repo.save_image(image, postings=lost)  # saved; its group never written
    assert list_images(workspace, ImageQuery(text="lighthouse")).items == []

    Postings().restore([ImageModel.get(image.image_id)])  # what the batch does when it runs again
    assert ids(list_images(workspace, ImageQuery(text="lighthouse fog"))) == [image.image_id]


def test_an_image_stored_before_groups_is_found_and_its_postings_follow_a_text_change(workspace):
    job_id = _job(workspace)
    old = _image(workspace, job_id, 0, "windmill by a canal", START)
    old.search_terms = search.image_terms(old.prompt, None, None, None)
    old.save()  # as stored before groups: a posting of this image alone per term
    with ImageTermModel.batch_write() as batch:
        for term in old.search_terms:
            batch.save(
                ImageTermModel(
                    search.term_key(workspace, term),
                    search.posting_sort_key(old.created_at, old.image_id),
                    image_id=old.image_id,
                    job_id=job_id,
                )
            )
    assert ids(list_images(workspace, ImageQuery(text="windmill canal"))) == [old.image_id]

    image = ImageModel.get(old.image_id)
    image.title, image.tags = "Dutch landscape", ["tulips"]
    image.prompt = "windmill in spring"  # "canal" and "by" go, "spring" comes
    image_repo.save_image(image)
    assert ids(list_images(workspace, ImageQuery(text="windmill tulips spring"))) == [old.image_id]
    assert list_images(workspace, ImageQuery(text="canal")).items == []
    assert list(ImageTermModel.query(search.term_key(workspace, "canal"))) == []
    image_repo.delete_images([ImageModel.get(old.image_id)])
    assert list(ImageTermModel.query(search.term_key(workspace, "windmill"))) == []
    assert list(ImageTermModel.query(search.term_key(workspace, "tulips"))) == []
