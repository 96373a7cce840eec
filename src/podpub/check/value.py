"""Rules for podcast:value blocks (PP316-PP321): the recipients and their splits, fee
recipients, payment addresses, value time splits inside their episode, and the
namespace's value slugs. The address and slug rules are those of ``podpub.namespace``,
which the YAML reader applies too.

The namespace (docs/tags/value-recipient.md, docs/examples/value/value.md): ``split`` is
a number of shares, not a percentage: each non-fee recipient gets its shares over the
non-fee total; a ``fee="true"`` recipient's share is taken off the top first.
"""

from __future__ import annotations

import re
from typing import Any

from podpub.check.context import FeedContext
from podpub.media import PODCAST_NS
from podpub.namespace import address_problem, namespace_list

P = f"{{{PODCAST_NS}}}"
_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def check_values(ctx: FeedContext, parent: Any, where: str, duration_ms: int | None) -> None:
    """Every podcast:value of a channel (``duration_ms`` None) or an item."""
    for value in parent.findall(f"{P}value"):
        _check_value(ctx, value, where)
        _check_recipients(ctx, value, value.findall(f"{P}valueRecipient"), where)
        for split in value.findall(f"{P}valueTimeSplit"):
            _check_time_split(ctx, split, where, duration_ms)


def _check_value(ctx: FeedContext, value: Any, where: str) -> None:
    missing = [a for a in ("type", "method") if not (value.get(a) or "").strip()]
    if missing or value.find(f"{P}valueRecipient") is None:
        what = f"has no {' or '.join(missing)}" if missing else "has no valueRecipient"
        ctx.add(
            "PP316",
            f"podcast:value {what}",
            f"give 'value' in {where} a type, a method and value_recipient entries",
            element=value,
        )
    slugs = namespace_list("value")
    unknown = [v for v in (value.get("type"), value.get("method")) if v and v not in slugs]
    if unknown:
        ctx.add(
            "PP321",
            f"podcast:value type or method {unknown[0]!r} is not a slug the namespace lists",
            f"use one of {', '.join(slugs)} in 'value' of {where} (lightning and keysend)",
            element=value,
        )


def _check_recipients(ctx: FeedContext, parent: Any, recipients: list[Any], where: str) -> None:
    """The recipients of a value block or of one time split."""
    shares = 0
    payees = 0
    for recipient in recipients:
        kind = (recipient.get("type") or "").strip()
        address = (recipient.get("address") or "").strip()
        split = (recipient.get("split") or "").strip()
        if not kind or not address or not split.isdigit():
            ctx.add(
                "PP316",
                f"podcast:valueRecipient has type {kind!r}, address {address!r} and split "
                f"{split!r}; it needs all three, the split a whole number of shares",
                f"fix 'value_recipient' in {where}: split is a whole number (shares)",
                element=recipient,
            )
            continue
        fee = recipient.get("fee")
        if fee is not None and fee not in ("true", "false"):
            ctx.add(
                "PP318",
                f"podcast:valueRecipient fee is {fee!r}; apps read anything but true as "
                "false and pay this fee as a normal split",
                f"write fee: true (or leave it out) in 'value_recipient' of {where}",
                element=recipient,
            )
        elif fee != "true":
            payees += 1
            shares += int(split)
        _check_address(ctx, recipient, kind, address, where)
    if recipients and shares == 0:
        what = "every recipient is a fee" if payees == 0 else "the non-fee splits are all 0"
        ctx.add(
            "PP317",
            f"{_name(parent)} pays nobody: {what}",
            f"give the people to pay in 'value_recipient' of {where} splits above 0 "
            "(shares: 95 and a fee of 5 pays 95 % and 5 %)",
            element=parent,
        )


def _check_address(ctx: FeedContext, recipient: Any, kind: str, address: str, where: str) -> None:
    problem = address_problem(kind, address)
    if problem:
        ctx.add(
            "PP319",
            f"podcast:valueRecipient address {address[:70]!r} of type {kind} {problem}",
            f"copy the address of 'value_recipient' in {where} from the wallet or node again",
            element=recipient,
        )
    slugs = namespace_list("value")
    if kind not in slugs:
        ctx.add(
            "PP321",
            f"podcast:valueRecipient type {kind!r} is not a slug the namespace lists",
            f"use one of {', '.join(slugs)} (node, lnaddress) in 'value_recipient' of {where}",
            element=recipient,
        )


def _check_time_split(ctx: FeedContext, split: Any, where: str, duration_ms: int | None) -> None:
    start, length = split.get("startTime") or "", split.get("duration") or ""
    remote = split.findall(f"{P}remoteItem")
    recipients = split.findall(f"{P}valueRecipient")
    percentage = split.get("remotePercentage")
    problem = None
    if not _NUMBER.match(start) or not _NUMBER.match(length) or float(length) <= 0:
        problem = f"has startTime {start!r} and duration {length!r}, not positive seconds"
    elif duration_ms is not None and round((float(start) + float(length)) * 1000) > duration_ms:
        end = float(start) + float(length)
        problem = f"ends at {end:g} s, after the episode's end ({duration_ms / 1000:g} s)"
    elif len(remote) + bool(recipients) != 1:
        problem = "needs one remoteItem or valueRecipients, not both or neither"
    elif percentage is not None and (not percentage.isdigit() or int(percentage) > 100):
        problem = f"has remotePercentage {percentage!r}, not 0 to 100"
    elif not _NUMBER.match(split.get("remoteStartTime") or "0"):
        problem = f"has remoteStartTime {split.get('remoteStartTime')!r}, not seconds"
    if problem:
        ctx.add(
            "PP320",
            f"podcast:valueTimeSplit {problem}",
            f"fix 'value_time_split' in {where}: start_time and duration in seconds inside "
            "the episode, and a remote_item or value_recipient entries",
            element=split,
        )
    _check_recipients(ctx, split, recipients, where)


def _name(element: Any) -> str:
    tag: str = element.tag
    return "podcast:" + tag.rpartition("}")[2]
