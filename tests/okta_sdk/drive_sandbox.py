"""Okta's official Python SDK (PyPI `okta`, 3.4.x) drives the sandbox's Okta emulator.

Run by scripts/test.sh against `okta-statsig-teams sandbox`. Every answer the SDK maps to a
model must read into it without error, and every write must have its effect: in Okta, and
through the emulator's push worker, in the Statsig SCIM emulator.

Environment: OKTA_URL, OKTA_TOKEN, STATSIG_URL, STATSIG_TOKEN (and
OKTA_TESTING_TESTINGDISABLEHTTPSCHECK=true, which the SDK needs for a loopback URL).
"""

import asyncio
import json
import os
import sys
import time
import urllib.parse
import urllib.request

from okta.client import Client
from okta.models import (
    Application,
    CreateGroupPushMappingRequest,
    GroupPushMapping,
    UpdateGroupPushMappingRequest,
)

OKTA_URL = os.environ["OKTA_URL"]
STATSIG_URL = os.environ["STATSIG_URL"]
STATSIG_TOKEN = os.environ["STATSIG_TOKEN"]
checks = 0


def check(ok, what):
    global checks
    if not ok:
        print(f"FAILED: {what}")
        sys.exit(1)
    checks += 1
    print(f"ok: {what}")


def no_error(result, what):
    """The SDK's (data, resp, err) triple: no error."""
    err = result[-1]
    check(err is None, f"{what} (error: {err})")
    return result[0]


def okta_error(err):
    """(HTTP status, Okta errorCode) of the SDK's error, whichever class carries it."""
    status = getattr(err, "status", None)
    code = getattr(err, "error_code", None)
    if code is None:
        body = getattr(err, "body", None) or getattr(err, "message", None) or ""
        try:
            code = json.loads(body).get("errorCode")
        except (TypeError, ValueError, AttributeError):
            code = None
    return status, code


def statsig_members(name):
    """The SCIM ids of a Statsig group's members, or None when there is no such group."""
    f = urllib.parse.quote(f'displayName eq "{name}"')
    req = urllib.request.Request(
        f"{STATSIG_URL}/Groups?filter={f}",
        headers={"Authorization": f"Bearer {STATSIG_TOKEN}"},
    )
    with urllib.request.urlopen(req) as r:
        body = json.load(r)
    found = body.get("Resources") or []
    if not found:
        return None
    return sorted(m["value"] for m in found[0].get("members") or [])


def wait_for(condition, what, seconds=20):
    end = time.time() + seconds
    while time.time() < end:
        if condition():
            check(True, what)
            return
        time.sleep(0.2)
    check(False, what)


async def main():
    client = Client(
        {
            "orgUrl": OKTA_URL,
            "token": os.environ["OKTA_TOKEN"],
            "cache": {"enabled": False},
            "rateLimit": {"maxRetries": 2},
        }
    )

    # Find the Statsig app: q is a prefix search; the label decides.
    apps = no_error(await client.list_applications(q="Statsig"), "list apps by q")
    check(all(isinstance(a, Application) for a in apps), "apps read into Application models")
    labels = sorted(a.label for a in apps)
    check(len(apps) >= 2, f"the search finds several Statsig apps to choose from: {labels}")
    app = next(a for a in apps if a.label == "Statsig SCIM")
    check("GROUP_PUSH" in (app.features or []), "the Statsig app has GROUP_PUSH")
    check(str(app.status.value if hasattr(app.status, "value") else app.status) == "ACTIVE", "the Statsig app is active")

    # Its imported groups, by search.
    search = f'type eq "APP_GROUP" and source.id eq "{app.id}"'
    groups = no_error(await client.list_groups(search=search, limit=200), "list the app's APP_GROUPs by search")
    names = {g.profile.actual_instance.name if hasattr(g.profile, "actual_instance") else g.profile.name: g for g in groups}
    check(len(groups) > 10, f"{len(groups)} imported groups")
    check(all(str(getattr(g.type, "value", g.type)) == "APP_GROUP" for g in groups), "all are APP_GROUPs")
    check(
        all(g.links.source.href.endswith(f"/api/v1/apps/{app.id}") for g in groups),
        "each names the app as its source",
    )
    target_name = "Statsig-Okta Test Proj-Test Team-Member"
    check(target_name in names, "the seed's team group is imported")

    # App users carry Statsig's SCIM id as externalId.
    users = no_error(await client.list_application_users(app.id, limit=500), "list app users")
    check(len(users) > 100 and all(u.external_id for u in users), f"{len(users)} app users with externalId")

    # A mapping group to push.
    okta_groups = no_error(await client.list_groups(q="Okta Test Team"), "find the mapping group")
    source = okta_groups[0]

    # Link: create with targetGroupId. Real Okta answers 200, which this SDK maps to no model;
    # the answer's body must still read into a GroupPushMapping.
    body = CreateGroupPushMappingRequest(
        source_group_id=source.id, target_group_id=names[target_name].id, status="ACTIVE"
    )
    data, resp, err = await client.create_group_push_mapping(app.id, body)
    check(err is None, f"create (link) has no error: {err}")
    check(resp.status_code == 200, f"create answers 200 as real Okta does, got {resp.status_code}")
    raw = await _raw_json(client, f"/api/v1/apps/{app.id}/group-push/mappings?sourceGroupId={source.id}")
    linked = GroupPushMapping.from_dict(raw[0])
    check(linked.target_group_id == names[target_name].id, "the link targets the imported group")
    check(str(getattr(linked.status, "value", linked.status)) == "ACTIVE", "the link is ACTIVE")

    # Get reads into the model; the worker pushes the group's members to Statsig.
    got = no_error(await client.get_group_push_mapping(app.id, linked.id), "get the mapping")
    check(isinstance(got, GroupPushMapping) and got.id == linked.id, "get returns the mapping")
    source_members = no_error(await client.list_group_users(source.id), "list the mapping group's members")
    by_okta = {u.id: u.external_id for u in users}
    expected = sorted(
        by_okta[u.id] for u in source_members
        if u.id in by_okta and str(getattr(u.status, "value", u.status)) == "ACTIVE"
    )
    check(len(expected) > 0, f"the mapping group has {len(expected)} active members to push")
    wait_for(lambda: statsig_members(target_name) == expected, "the worker pushed the members to Statsig")
    pushed = no_error(await client.get_group_push_mapping(app.id, linked.id), "get after the push")
    check(pushed.last_push is not None, "lastPush is set after the push")

    # Create: targetGroupName makes a new team.
    other = no_error(await client.list_groups(q="Pricing Council"), "find a second group")[0]
    new_name = "Statsig-Growth Experiments-Pricing Council-Member"
    body = CreateGroupPushMappingRequest(source_group_id=other.id, target_group_name=new_name, status="ACTIVE")
    _, resp, err = await client.create_group_push_mapping(app.id, body)
    check(err is None and resp.status_code == 200, f"create (by name) answers 200: {err}")
    wait_for(lambda: statsig_members(new_name) is not None, "the worker created the team in Statsig")

    # List, with paging: a limit of 1 follows Link headers through every mapping.
    mappings = no_error(await client.list_group_push_mappings(app.id), "list mappings")
    check(all(isinstance(m, GroupPushMapping) for m in mappings), "mappings read into models")
    check(len(mappings) >= 5, f"{len(mappings)} mappings, including those made in the console")
    # Paging: the generated list call does not follow links itself; the cursor comes from
    # the Link header's rel="next", as Okta's documentation says to follow it.
    seen, after, pages = [], None, 0
    while True:
        page, resp, err = await client.list_group_push_mappings(app.id, limit=1, after=after)
        check(err is None and len(page) == 1, f"page {pages + 1} of one mapping reads")
        seen.extend(page)
        pages += 1
        after = next_cursor(resp.headers)
        if after is None:
            break
    check(sorted(m.id for m in seen) == sorted(m.id for m in mappings), "paging visits every mapping once")
    errors = no_error(await client.list_group_push_mappings(app.id, status="ERROR"), "list by status")
    check(errors and all(m.error_summary for m in errors), "ERROR mappings carry errorSummary")

    # Update: deactivate, then delete (an ACTIVE mapping cannot be deleted).
    refused = await client.delete_group_push_mapping(app.id, linked.id, delete_target_group=False)
    check(
        okta_error(refused[-1]) == (400, "E0000001"),
        f"deleting an ACTIVE mapping is refused with Okta's validation error: {okta_error(refused[-1])}",
    )
    updated = no_error(
        await client.update_group_push_mapping(app.id, linked.id, UpdateGroupPushMappingRequest(status="INACTIVE")),
        "deactivate",
    )
    check(str(getattr(updated.status, "value", updated.status)) == "INACTIVE", "the mapping is INACTIVE")
    result = await client.delete_group_push_mapping(app.id, linked.id, delete_target_group=False)
    check(result[-1] is None, f"delete with Leave: {result[-1]}")
    check(statsig_members(target_name) == expected, "Leave keeps the team in Statsig")
    _, _, err = await client.get_group_push_mapping(app.id, linked.id)
    check(okta_error(err) == (404, "E0000007"), f"the deleted mapping is gone (404 E0000007): {okta_error(err)}")

    # Delete the created team with its mapping.
    created = next(m for m in mappings if m.source_group_id == other.id)
    no_error(
        await client.update_group_push_mapping(app.id, created.id, UpdateGroupPushMappingRequest(status="INACTIVE")),
        "deactivate the created team's mapping",
    )
    result = await client.delete_group_push_mapping(app.id, created.id, delete_target_group=True)
    check(result[-1] is None, f"delete with Delete: {result[-1]}")
    wait_for(lambda: statsig_members(new_name) is None, "Delete removed the team from Statsig")

    await system_log(client, linked.id, errors[0].id)
    print(f"okta SDK: {checks} checks passed")


GROUP_PUSH = "application.provision.group_push"


async def system_log(client, linked_id, failing_id):
    """The System Log read with list_log_events: the linked mapping's history, filtered on
    its id and paged one event at a time through Link headers; the seeded failing
    mapping's history, newest first."""
    flt = f'eventType sw "{GROUP_PUSH}" and target.id eq "{linked_id}"'
    events, after, pages = [], None, 0
    while True:
        page, resp, err = await client.list_log_events(filter=flt, limit=1, after=after)
        check(err is None and len(page) == 1, f"log page {pages + 1} of one event reads: {err}")
        events.extend(page)
        pages += 1
        after = next_cursor(resp.headers)
        if after is None:
            break
    kinds = [e.event_type for e in events]
    check(kinds[0] == f"{GROUP_PUSH}.mapping.created", f"the history starts with the mapping made: {kinds}")
    check(f"{GROUP_PUSH}.pushed" in kinds, "the worker's push is in the log")
    check(
        kinds[-2:] == [f"{GROUP_PUSH}.deactivate_mapping", f"{GROUP_PUSH}.mapping.deleted"],
        f"deactivated, then deleted: {kinds}",
    )
    check(
        all(any(t.id == linked_id for t in e.target) for e in events),
        "every event names the mapping among its targets",
    )
    pushed = next(e for e in events if e.event_type == f"{GROUP_PUSH}.pushed")
    check(str(getattr(pushed.outcome.result, "value", pushed.outcome.result)) == "SUCCESS", "the push succeeded")
    check(pushed.actor.type == "SystemPrincipal", "Okta itself pushed")

    failed = f"{GROUP_PUSH}.mapping.update.or.delete.failed.with.error"
    flt = f'target.id eq "{failing_id}" and (eventType eq "{failed}" or eventType eq "{GROUP_PUSH}.mapping.created")'
    history = no_error(
        await client.list_log_events(filter=flt, sort_order="DESCENDING", since="2025-12-01T00:00:00Z"),
        "read the failing mapping's history newest first",
    )
    kinds = [e.event_type for e in history]
    check(kinds == [failed, failed, failed, f"{GROUP_PUSH}.mapping.created"], f"made, then failed three times: {kinds}")
    check(
        all(e.outcome.reason and "Statsig answered" in e.outcome.reason for e in history[:3]),
        "each failure carries Statsig's refusal as Okta's reason",
    )
    _, _, err = await client.list_log_events(filter='eventType eq')
    check(okta_error(err) == (400, "E0000031"), f"a bad filter is Okta's 400 E0000031: {okta_error(err)}")


def next_cursor(headers):
    """The `after` value of a Link header's rel="next" URL, if any."""
    links = ",".join(v for k, v in (headers or {}).items() if k.lower() == "link")
    for part in links.split(","):
        if 'rel="next"' in part:
            url = part.split(";")[0].strip().strip("<>")
            return urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["after"][0]
    return None


async def _raw_json(client, path):
    """A GET through the SDK's own request executor, read as JSON."""
    request, err = await client.get_request_executor().create_request("GET", OKTA_URL + path, {}, {})
    if err:
        check(False, f"build GET {path}: {err}")
    response, body, err = await client.get_request_executor().execute(request)
    check(err is None, f"GET {path}: {err}")
    return json.loads(body)


asyncio.run(main())
