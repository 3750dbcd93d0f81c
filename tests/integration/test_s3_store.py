"""The S3-compatible store: configured by name, files and documents kept as objects under a prefix in the bucket,
read back by every node, a missing object a clear 404; run against moto's in-process S3 (nothing leaves the test)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from engine.access.policy import Actor
from engine.config import load_config
from engine.context import EngineContext
from engine.errors import NotFound
from engine.files import s3_store
from engine.persistence.models import Attachment
from engine.procedure import services
from engine.procedure.attachment_rows import Upload
from engine.procedure.attachments import add_attachment, open_attachment
from engine.procedure.documents import open_document
from tests.support import files
from tests.support.documents import issue_letter
from tests.support.driver import APPLICATION

BUCKET = "rcjc-files"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "cn-north-1")
    with mock_aws():
        s3_store.s3_client.cache_clear()
        boto3.client("s3", region_name="cn-north-1").create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "cn-north-1"})
        yield
    s3_store.s3_client.cache_clear()


def on_s3(ctx: EngineContext) -> None:
    ctx.config = dataclasses.replace(ctx.config, settings={
        **ctx.config.settings, "attachment_store": "s3", "s3_bucket": BUCKET, "s3_prefix": "cases/"})


def test_the_store_is_configured_from_the_environment() -> None:
    config = load_config({"RCJC_ATTACHMENT_STORE": "s3", "RCJC_S3_BUCKET": BUCKET, "RCJC_S3_ENDPOINT": "http://minio:9000"})
    assert (config.settings["attachment_store"], config.settings["s3_bucket"]) == ("s3", BUCKET)
    assert config.settings["s3_endpoint"] == "http://minio:9000"
    with pytest.raises(ValueError, match="s3_bucket"):
        load_config({"RCJC_ATTACHMENT_STORE": "s3"})


def test_files_and_documents_are_kept_as_objects_and_read_back(s3: None, deployed: EngineContext,
                                                               people: dict[str, Actor]) -> None:
    on_s3(deployed)
    case_id = services.start_case(deployed, people["applicant"], "rcjc_case", "application", APPLICATION).case_id
    added = add_attachment(deployed, people["applicant"], case_id, Upload("纪要.pdf", files.PDF))
    with deployed.sessions() as session:
        row = session.get(Attachment, added)
        assert row is not None and row.store == "s3"
        key = row.sha256
    listed = boto3.client("s3", region_name="cn-north-1").list_objects_v2(Bucket=BUCKET, Prefix="cases/")
    assert f"cases/{key}" in {o["Key"] for o in listed.get("Contents", [])}
    with open_attachment(deployed, people["intake"], case_id, added).content as content:
        assert content.read() == files.PDF
    letter = issue_letter(deployed, case_id)
    with open_document(deployed, people["applicant"], case_id, letter, "pdf").content as pdf:
        assert pdf.read().startswith(b"%PDF")


def test_a_missing_object_is_a_clear_not_found(s3: None, deployed: EngineContext, people: dict[str, Actor]) -> None:
    on_s3(deployed)
    case_id = services.start_case(deployed, people["applicant"], "rcjc_case", "application", APPLICATION).case_id
    added = add_attachment(deployed, people["applicant"], case_id, Upload("纪要.pdf", files.PDF))
    with deployed.sessions() as session:
        key = session.get(Attachment, added).sha256  # type: ignore[union-attr]
    boto3.client("s3", region_name="cn-north-1").delete_object(Bucket=BUCKET, Key=f"cases/{key}")
    with pytest.raises(NotFound, match="文件内容缺失"):
        open_attachment(deployed, people["intake"], case_id, added)
