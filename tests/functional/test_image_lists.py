"""The images list (gallery): filters, search, counts and pages, all served by index queries."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.models import ImageModel, ImageTermModel, JobModel
from chalicelib.repositories import images as image_repo
from chalicelib.repositories.images import ImageQuery, list_images
from tests.functional.helpers import images_of, start, wait_status
from tests.functional.test_http_api import api, call  # noqa: F401 - the api fixture

START = datetime(2026, 3, 10, 22, 30, tzinfo=UTC)


def _image(workspace: str, job_id: str, number: int, prompt: str, status: str, created: datetime, **text):
    """An image item written the way the pipeline writes them: index keys and search postings."""
    image = ImageModel(
        f"{job_id}.{number:05d}.00",
        job_id=job_id,
        workspace=workspace,
        generation=number,
        variation=0,
        keyword=prompt,
        prompt=prompt,
        provider="local",
        seed=number,
        status=status,
        created_at=created,
        **text,
    )
    image_repo.save_image(image)
    return image


@pytest.fixture
def gallery(workspace):
    """Five images over two jobs and three days (00:30 UTC on 11 March is 10 March in New York)."""
    first, second = uuid.uuid4().hex, uuid.uuid4().hex
    for job_id in (first, second):  # the jobs exist, as a real image's job does (and keep its counts)
        JobModel(
            job_id,
            workspace=workspace,
            label=job_id,
            status="completed",
            snapshot={},
            plan=[],
            created_at=START,
        ).save()
    made = [
        _image(workspace, first, 0, "Autumn leaves on a path", "approved", START),
        _image(
            workspace,
            first,
            1,
            "Beach sunset",
            "qc_failed",
            START + timedelta(hours=2),
            title="Golden hour over the sea",
            tags=["ocean", "Red Panda", "travel"],
        ),
        _image(workspace, first, 2, "city lights at night", "approved", START + timedelta(days=1)),
        _image(
            workspace,
            second,
            0,
            "A red fox in the snow",
            "processing",
            START + timedelta(days=2),
            description="Wildlife stock photo",
            tags=["fox", "winter"],
        ),
        _image(workspace, second, 1, "red barn, autumn farm", "retry_failed", START + timedelta(days=3)),
    ]
    return workspace, first, second, made


def prompts(page) -> list[str]:
    return [image.prompt for image in page.items]


def test_the_gallery_lists_a_whole_workspace_newest_oldest_or_by_name(gallery):
    workspace, *_ = gallery
    newest = [
        "red barn, autumn farm",
        "A red fox in the snow",
        "city lights at night",
        "Beach sunset",
        "Autumn leaves on a path",
    ]
    assert prompts(list_images(workspace, ImageQuery())) == newest
    assert prompts(list_images(workspace, ImageQuery(sort="oldest"))) == newest[::-1]
    assert prompts(list_images(workspace, ImageQuery(sort="name"))) == [
        "A red fox in the snow",
        "Autumn leaves on a path",
        "Beach sunset",
        "city lights at night",
        "red barn, autumn farm",
    ]


def test_status_filter_in_every_order(gallery):
    workspace, *_ = gallery
    assert prompts(list_images(workspace, ImageQuery(status="approved"))) == [
        "city lights at night",
        "Autumn leaves on a path",
    ]
    assert prompts(list_images(workspace, ImageQuery(status="approved", sort="name"))) == [
        "Autumn leaves on a path",
        "city lights at night",
    ]
    assert prompts(list_images(workspace, ImageQuery(status="retry_pending"))) == []


def test_a_status_change_moves_the_image_between_status_lists(gallery):
    workspace, _, _, made = gallery
    image_repo.set_status(made[1], "approved")
    approved = ImageQuery(status="approved")
    assert "Beach sunset" in prompts(list_images(workspace, approved))
    assert "Beach sunset" not in prompts(list_images(workspace, ImageQuery(status="qc_failed")))
    # A phase's plain `update` keeps the index key in step too (finalize, process do this).
    made[0].update(actions=[ImageModel.status.set("processing")])
    assert prompts(list_images(workspace, ImageQuery(status="processing"))) == [
        "A red fox in the snow",
        "Autumn leaves on a path",
    ]


def test_job_filter_keeps_generation_order_and_takes_the_other_filters(gallery):
    workspace, first, second, _ = gallery
    assert prompts(list_images(workspace, ImageQuery(job_id=first))) == [
        "Autumn leaves on a path",
        "Beach sunset",
        "city lights at night",
    ]
    assert (
        prompts(list_images(workspace, ImageQuery(job_id=first, sort="newest")))[0] == "city lights at night"
    )
    assert prompts(list_images(workspace, ImageQuery(job_id=first, status="approved"))) == [
        "Autumn leaves on a path",
        "city lights at night",
    ]
    assert prompts(list_images(workspace, ImageQuery(job_id=second, sort="name"))) == [
        "A red fox in the snow",
        "red barn, autumn farm",
    ]
    assert prompts(list_images(workspace, ImageQuery(job_id=second, text="autumn"))) == [
        "red barn, autumn farm"
    ]


def test_dates_are_whole_days_in_the_users_time_zone(gallery):
    from chalicelib.api.common import date_param

    workspace, *_ = gallery
    zone = {"from": "2026-03-10", "to": "2026-03-10", "tz": "America/New_York"}
    query = ImageQuery(
        created_from=date_param(zone, "from", end_of_day=False),
        created_to=date_param(zone, "to", end_of_day=True),
    )
    assert prompts(list_images(workspace, query)) == ["Beach sunset", "Autumn leaves on a path"]
    utc = {"from": "2026-03-11", "to": "2026-03-11"}
    in_utc = ImageQuery(
        created_from=date_param(utc, "from", end_of_day=False),
        created_to=date_param(utc, "to", end_of_day=True),
    )
    assert prompts(list_images(workspace, in_utc)) == ["city lights at night", "Beach sunset"]
    # The same range applies to a search (a key condition on the postings) and to name order.
    assert prompts(list_images(workspace, ImageQuery(text="sunset", created_from=in_utc.created_from))) == [
        "Beach sunset"
    ]
    assert prompts(list_images(workspace, ImageQuery(sort="name", created_to=query.created_to))) == [
        "Autumn leaves on a path",
        "Beach sunset",
    ]


def test_search_matches_a_tag(gallery):
    """The desktop product's tag search never matched."""
    workspace, *_ = gallery
    assert prompts(list_images(workspace, ImageQuery(text="ocean"))) == ["Beach sunset"]
    assert prompts(list_images(workspace, ImageQuery(text="winter"))) == ["A red fox in the snow"]
    assert prompts(list_images(workspace, ImageQuery(text='"red panda"'))) == ["Beach sunset"]


def test_search_matches_title_description_and_prompt_words(gallery):
    workspace, *_ = gallery
    assert prompts(list_images(workspace, ImageQuery(text="golden"))) == ["Beach sunset"]
    assert prompts(list_images(workspace, ImageQuery(text="wildlife"))) == ["A red fox in the snow"]
    assert prompts(list_images(workspace, ImageQuery(text="autumn"))) == [
        "red barn, autumn farm",
        "Autumn leaves on a path",
    ]


def test_search_is_whole_word_case_insensitive_and_needs_every_word(gallery):
    workspace, *_ = gallery
    assert prompts(list_images(workspace, ImageQuery(text="AUTUMN Leaves"))) == ["Autumn leaves on a path"]
    assert prompts(list_images(workspace, ImageQuery(text="red autumn"))) == ["red barn, autumn farm"]
    assert prompts(list_images(workspace, ImageQuery(text="red", sort="oldest"))) == [
        "Beach sunset",  # its tag "Red Panda"
        "A red fox in the snow",
        "red barn, autumn farm",
    ]
    assert prompts(list_images(workspace, ImageQuery(text="red", sort="name"))) == [
        "A red fox in the snow",
        "Beach sunset",
        "red barn, autumn farm",
    ]
    assert prompts(list_images(workspace, ImageQuery(text="aut"))) == []  # whole words only
    assert prompts(list_images(workspace, ImageQuery(text="autumn ocean"))) == []
    assert prompts(list_images(workspace, ImageQuery(text="giraffe"))) == []


def test_search_takes_status_and_job_filters(gallery):
    workspace, first, *_ = gallery
    assert prompts(list_images(workspace, ImageQuery(text="autumn", status="approved"))) == [
        "Autumn leaves on a path"
    ]
    assert prompts(list_images(workspace, ImageQuery(text="red", job_id=first))) == ["Beach sunset"]


def test_counts_per_status_ignore_the_status_filter(gallery):
    workspace, first, *_ = gallery
    page = list_images(workspace, ImageQuery(status="approved"))
    assert page.counts == {
        "total": 5,
        "approved": 2,
        "qc_failed": 1,
        "processing": 1,
        "retry_pending": 0,
        "retry_failed": 1,
    }
    assert page.counts_exact
    by_job = list_images(workspace, ImageQuery(job_id=first, status="qc_failed")).counts
    assert by_job is not None and (by_job["total"], by_job["approved"], by_job["qc_failed"]) == (3, 2, 1)
    found = list_images(workspace, ImageQuery(text="red", status="approved")).counts
    assert found is not None and found["total"] == 3 and found["approved"] == 0
    assert (found["qc_failed"], found["processing"], found["retry_failed"]) == (1, 1, 1)
    dated = list_images(workspace, ImageQuery(created_from=START + timedelta(days=1, hours=1))).counts
    assert dated is not None and dated["total"] == 2
    assert list_images(workspace, ImageQuery(with_counts=False)).counts is None


@pytest.mark.parametrize(
    "query",
    [
        ImageQuery(limit=2),
        ImageQuery(limit=1, sort="oldest", status="approved"),
        ImageQuery(limit=2, sort="name"),
        ImageQuery(limit=1, text="red"),
        ImageQuery(limit=2, text="red", sort="name"),
        ImageQuery(limit=2, job_id="first"),
    ],
    ids=["newest", "status", "name", "search", "search-by-name", "job"],
)
def test_pages_follow_the_cursor_without_gaps_or_repeats(gallery, query):
    from dataclasses import replace

    workspace, first, *_ = gallery
    if query.job_id:
        query = replace(query, job_id=first)
    everything = prompts(list_images(workspace, replace(query, limit=200)))
    seen, cursor, pages = [], None, 0
    while True:
        page = list_images(workspace, replace(query, cursor=cursor))
        seen += prompts(page)
        pages += 1
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == everything and len(everything) >= 2 and pages >= 2


def test_a_filtered_list_stops_at_its_read_budget_and_the_cursor_carries_on(gallery, monkeypatch):
    """Name order with a status filter reads past what it skips: a short page, never a gap."""
    workspace, *_ = gallery
    monkeypatch.setattr(image_repo, "READ_BUDGET", 1)
    query = ImageQuery(status="approved", sort="name", limit=2)
    seen, cursor, short = [], None, 0
    while True:
        page = list_images(workspace, ImageQuery(**{**query.__dict__, "cursor": cursor}))
        seen += prompts(page)
        cursor = page.next_cursor
        short += bool(cursor) and len(page.items) < query.limit
        if not cursor:
            break
    assert seen == ["Autumn leaves on a path", "city lights at night"] and short >= 1


def test_another_workspaces_images_never_appear(gallery):
    workspace, *_ = gallery
    other = f"ws-{uuid.uuid4().hex[:10]}"
    _image(other, uuid.uuid4().hex, 0, "Autumn leaves, red", "approved", START + timedelta(days=9))
    for query in (
        ImageQuery(),
        ImageQuery(sort="name"),
        ImageQuery(status="approved"),
        ImageQuery(text="autumn"),
        ImageQuery(text="red", sort="name"),
    ):
        page = list_images(workspace, query)
        assert "Autumn leaves, red" not in prompts(page)
        assert page.counts is not None and page.counts["total"] <= 5
    assert prompts(list_images(other, ImageQuery())) == ["Autumn leaves, red"]


def test_a_cursor_from_another_listing_is_refused(gallery):
    from chalicelib.errors import ValidationError

    workspace, *_ = gallery
    cursor = list_images(workspace, ImageQuery(limit=1)).next_cursor
    with pytest.raises(ValidationError) as refused:
        list_images(f"ws-{uuid.uuid4().hex[:10]}", ImageQuery(limit=1, cursor=cursor))
    assert refused.value.field == "cursor"
    with pytest.raises(ValidationError):
        list_images(workspace, ImageQuery(limit=1, sort="name", cursor=cursor))


def test_deleting_an_image_deletes_its_postings(gallery):
    from chalicelib import search

    workspace, _, _, made = gallery
    image_repo.delete_images([made[1]])
    assert prompts(list_images(workspace, ImageQuery(text="ocean"))) == []
    assert list(ImageTermModel.query(search.term_key(workspace, "ocean"))) == []
    assert list(ImageTermModel.query(search.term_key(workspace, "red panda"))) == []


def test_changed_text_moves_the_postings(gallery):
    from chalicelib import search

    workspace, _, _, made = gallery
    image = made[3]
    image.tags = ["arctic"]
    image_repo.save_image(image)
    assert prompts(list_images(workspace, ImageQuery(text="arctic"))) == ["A red fox in the snow"]
    assert prompts(list_images(workspace, ImageQuery(text="winter"))) == []
    assert list(ImageTermModel.query(search.term_key(workspace, "winter"))) == []


def test_a_real_job_makes_its_images_findable_by_tag_and_listed_as_approved(workspace):
    """Offline metadata gives each image tags; finalize approves them with a plain update."""
    job = start(workspace, generations=2, ai={"quality_check": False, "metadata": True})
    wait_status(job.job_id, "completed", timeout=60)
    made = images_of(job.job_id)
    assert made and all("creative" in image.tags for image in made)
    # "creative" is only in the tags (not in prompt, title or description).
    assert not any("creative" in f"{i.prompt} {i.title} {i.description}".lower() for i in made)
    found = list_images(workspace, ImageQuery(text="Creative", status="approved"))
    assert sorted(i.image_id for i in found.items) == sorted(i.image_id for i in made)
    assert found.counts is not None and found.counts["approved"] == len(made)
    assert [i.image_id for i in list_images(workspace, ImageQuery(text='"red fox"')).items] == [
        i.image_id for i in made if i.keyword == "red fox"
    ]
    assert list_images(workspace, ImageQuery(status="approved")).counts == {
        "total": len(made),
        "approved": len(made),
        "qc_failed": 0,
        "processing": 0,
        "retry_pending": 0,
        "retry_failed": 0,
    }


def test_the_gallery_over_http(api, gallery):  # noqa: F811
    """The HTTP API serves the local user's workspace: its shape, and 404 for a job elsewhere."""
    _, first, *_ = gallery
    body = call(api, "GET", "/api/images", params={"limit": 1}).json()
    assert set(body) == {"items", "counts", "counts_exact", "next_cursor"}
    assert set(body["counts"]) == {
        "total",
        "approved",
        "qc_failed",
        "processing",
        "retry_pending",
        "retry_failed",
    }
    if body["next_cursor"]:
        later = call(api, "GET", "/api/images", params={"limit": 1, "cursor": body["next_cursor"]}).json()
        assert later["counts"] is None  # counted once, on the first page
    other = call(api, "GET", "/api/images", params={"job_id": first})  # the fixture's workspace is not ours
    assert other.status_code == 404 and other.json()["error"]["field"] == "job_id"


@pytest.mark.parametrize(
    "params,field",
    [
        ({"status": "odd"}, "status"),
        ({"sort": "size"}, "sort"),
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"from": "10/03/2026"}, "from"),
        ({"to": "2026-13-01"}, "to"),
        ({"from": "2026-03-11", "to": "2026-03-10"}, "to"),
        ({"from": "2026-03-10", "tz": "Mars/Base"}, "tz"),
        ({"from": "0001-01-01", "tz": "Asia/Tokyo"}, "from"),
        ({"q": "the a"}, "q"),
        ({"q": "x" * 300}, "q"),
        ({"cursor": "not-a-cursor!"}, "cursor"),
        ({"cursor": "eyJ4Ijp7IlMiOiJ5In19"}, "cursor"),  # {"x": {"S": "y"}}: not ours
        ({"cursor": "eyJ3b3Jrc3BhY2UiOjV9"}, "cursor"),  # {"workspace": 5}
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(api, params, field):  # noqa: F811
    response = call(api, "GET", "/api/images", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["field"] == field
