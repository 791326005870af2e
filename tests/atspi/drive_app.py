"""A screen reader's path through the real app: AT-SPI alone, as Orca would drive it.

Run by tests/atspi/run.sh (from scripts/test.sh) with the system python (python3-pyatspi),
inside a D-Bus session with the accessibility bus (at-spi2-core) under Xvfb, twice:

- `drive_app.py first-use`, against the app started without `--demo` on a fresh data
  folder: the first-use wizard, then "Use the demo instead", then the main window walked
  whole, its tabs and its project list by name.
- `drive_app.py`, against `okta-statsig-teams --demo` (Okta push on the embedded sandbox):
  the seed workflow. Open Push Groups, pick the Okta group and the team group by name, read
  the preview, Save, and see the mapping's status in Pushed groups; then the other dialogs,
  and Explain opened from Health by Enter and closed by Close and by Escape.

Every step is an accessible action (a node's click action, an entry's text set through
EditableText); nothing is clicked by position. Keys are pressed (xdotool) only where the
keyboard is the path under test: Enter and Escape in Explain. In every view and in the
dialogs on the way, no focusable node may be without a name, and after each dialog closes
the whole window is walked: every node must answer (an "Unknown object" is a node Orca is
shown but cannot reach) and have a known role.

Exit 0 with one summary line when every check passes; otherwise the first failure.
"""

import subprocess
import sys
import time

import pyatspi

APP = "okta-statsig-teams"
# A little longer than the app holds clicks back after a dialog closes.
SHIELD = 0.6
checks = 0


def check(ok, what):
    global checks
    if not ok:
        print(f"FAILED: {what}")
        sys.exit(1)
    checks += 1
    print(f"ok: {what}")


def until(what, find, timeout=60.0, fail=True):
    """Polls `find` until it returns something; after `timeout`, fails naming `what` (or
    returns None when not `fail`)."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            found = find()
        except Exception:  # a node went away while it was read: look again
            found = None
        if found:
            return found
        time.sleep(0.2)
    if not fail:
        return None
    print(f"FAILED: timed out waiting for {what}")
    sys.exit(1)


def app():
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(desktop.childCount):
        a = desktop.getChildAtIndex(i)
        if a is not None and a.name == APP:
            return a
    return None


def nodes(root):
    """Every node under `root`, depth first, in the tree's order. A node that went away
    while the tree is walked (a dialog closing, a list refreshing) is passed over."""
    stack = [root]
    while stack:
        n = stack.pop()
        if n is None:
            continue
        try:
            n.getRoleName()
            kids = [n.getChildAtIndex(i) for i in range(n.childCount)]
        except Exception:
            continue
        yield n
        stack.extend(reversed(kids))


def find(root, role, name=None, starts=None):
    for n in nodes(root):
        if n.getRoleName() != role:
            continue
        if name is not None and n.name != name:
            continue
        if starts is not None and not (n.name or "").startswith(starts):
            continue
        return n
    return None


def texts(root):
    return [n.name for n in nodes(root) if n.getRoleName() == "label" and n.name]


def click(node, what):
    action = node.queryAction()
    check(action.nActions > 0, f"{what} offers an action")
    action.doAction(0)


def set_text(entry, text, what):
    entry.queryEditableText().setTextContents(text)
    until(f"{what} to hold {text!r}", lambda: entry.queryText().getText(0, -1) == text)


def frame():
    a = app()
    if a is None:
        return None
    return find(a, "frame")


def unnamed_focusable(root, where):
    bad = []
    for n in nodes(root):
        states = n.getState()
        if states.contains(pyatspi.STATE_FOCUSABLE) and not (n.name or "").strip():
            bad.append(f"{where}: {n.getRoleName()}")
    return bad


def dialog(root, title):
    return find(root, "dialog", name=title)


def faults(root):
    """Every node under `root` a screen reader cannot use: one whose accessible calls fail
    (an unknown object: listed by its parent, not served) or whose role is unknown."""
    bad = []

    def walk(n, path):
        try:
            role = n.getRoleName()
            name = n.name
            n.getState()
            count = n.childCount
        except Exception as e:
            bad.append(f"{path}: {e}")
            return
        here = f"{path} > {role} {name!r}"
        if role in ("unknown", "invalid"):
            bad.append(f"{here}: role {role}")
        for i in range(count):
            try:
                kid = n.getChildAtIndex(i)
            except Exception as e:
                bad.append(f"{here} child {i}: {e}")
                continue
            if kid is None:
                bad.append(f"{here} child {i}: missing")
                continue
            walk(kid, here)

    walk(root, "window")
    return bad


def check_whole(what):
    """The whole window answers a screen reader (looked at again for a few seconds, as a
    list being redrawn may drop a node while it is walked)."""
    found = []

    def clean():
        found[:] = faults(frame())
        return not found

    until(what, clean, timeout=5.0, fail=False)
    check(not found, f"the whole window answers {what}: " + "; ".join(found[:5]))


def keys(*names):
    """Presses keys in the app's window, as a keyboard user does."""
    windows = subprocess.run(
        ["xdotool", "search", "--name", "^Okta -> Statsig Teams$"], capture_output=True, text=True
    ).stdout.split()
    for w in windows:
        subprocess.run(["xdotool", "windowfocus", "--sync", w], stderr=subprocess.DEVNULL)
    if names:
        subprocess.run(["xdotool", "key", "--delay", "100", *names], check=True)


def first_use():
    """A first start without --demo: the wizard, "Use the demo instead", then the main
    window, whole and walkable."""
    win = until("the app on the accessibility bus", frame)
    d = until("the first-use wizard", lambda: dialog(frame(), "Connect to your org"))
    check(d.getState().contains(pyatspi.STATE_MODAL), "the first-use wizard is modal")
    check(d.description == "Step 1 of 3: Okta", f"the wizard says its step: {d.description!r}")
    steps = find(d, "list", name="Steps")
    current = [n.name for n in nodes(steps) if n.getRoleName() == "list item" and n.description == "current step"]
    check(current == ["1. Okta"], f"the list of steps marks the current one: {current}")
    click(until("Use the demo instead", lambda: find(d, "push button", name="Use the demo instead")),
          "Use the demo instead")
    until("the wizard to close", lambda: dialog(frame(), "Connect to your org") is None)
    # The demo's import ends with the mode in the top bar (not found when the window is
    # out of reach: then the walk says why).
    until("the demo's import", lambda: find(frame(), "label", starts="Okta push via"), fail=False)
    time.sleep(SHIELD)
    check_whole("after the first-use wizard closed")
    win = frame()
    tabs = until("the tab list", lambda: find(win, "page tab list", name="Views"))
    names = [tabs.getChildAtIndex(i).name for i in range(tabs.childCount)]
    check(names[0] == "Teams" and "Activity" in names, f"the tabs are reached by name: {names}")
    projects = until("the project list", lambda: find(win, "list box", name="Project list"))
    items = [n.name for n in nodes(projects) if n.getRoleName() == "list item"]
    check(len(items) > 3 and all(items), f"the project list is reached, each by name: {items}")
    page = until("the Teams tab", lambda: find(win, "page tab", name="Teams"))
    click(page, "the Teams tab")
    until("Teams selected", lambda: page.getState().contains(pyatspi.STATE_SELECTED))
    check_whole("on the Teams tab")
    print(f"the first use through AT-SPI: {checks} checks passed")


def main():
    win = until("the app on the accessibility bus", frame)
    check(win.name == "Okta -> Statsig Teams", f"the window is named by its title ({win.name!r})")
    until("the first import", lambda: find(win, "label", starts="Okta push via"))
    unnamed = []

    # Every view by its tab.
    tabs = until("the tab list", lambda: find(win, "page tab list", name="Views"))
    names = [tabs.getChildAtIndex(i).name for i in range(tabs.childCount)]
    check(names[0] == "Teams" and "Activity" in names, f"the tabs are a tab list: {names}")
    for i in range(tabs.childCount):
        tab = tabs.getChildAtIndex(i)
        name = tab.name
        click(tab, f"tab {name}")
        until(f"tab {name} selected", lambda: tab.getState().contains(pyatspi.STATE_SELECTED))
        unnamed += unnamed_focusable(win, name)

    # Pushed groups: Push Groups opens as a named, modal dialog. (Where focus goes is checked
    # by the UI tests: with no window manager the window is never active, and AT-SPI
    # reports focus only in an active window.)
    click(find(win, "page tab", starts="Pushed groups"), "the Pushed groups tab")
    push = until("Push groups…", lambda: find(win, "push button", name="Push groups…"))
    click(push, "Push groups…")
    d = until("the Push Groups dialog", lambda: dialog(win, "Push Groups"))
    check(d.getState().contains(pyatspi.STATE_MODAL), "Push Groups is modal")

    # The Okta group and the team group, each found by name and picked by its action.
    set_text(find(d, "entry", name="Find Okta group"), "Okta Test", "Find Okta group")
    okta = until(
        "Okta Test Team in the Okta group list",
        lambda: find(find(d, "list box", name="Okta group list"), "list item", starts="Okta Test Team ("),
    )
    click(okta, "the Okta group Okta Test Team")
    until("Okta Test Team selected", lambda: okta.getState().contains(pyatspi.STATE_SELECTED))
    set_text(find(d, "entry", name="Find team group"), "Okta Test", "Find team group")
    team = until(
        "the team group in the team group list",
        lambda: find(
            find(d, "list box", name="Team group list"),
            "list item",
            name="Statsig-Okta Test Proj-Test Team-Member",
        ),
    )
    click(team, "the team group Statsig-Okta Test Proj-Test Team-Member")
    preview = until(
        "the preview",
        lambda: [t for t in texts(d) if "Okta will add" in t or "Okta will not push" in t],
    )
    check(bool(preview), f"the preview reads: {' / '.join(preview)}")
    adds = find(d, "list", name="Added members")
    added = [adds.getChildAtIndex(i) for i in range(adds.childCount)] if adds else []
    check(
        adds is not None and all(a.getRoleName() == "list item" and a.name.startswith("+ ") for a in added),
        f"the preview's adds are a list of items: {[a.name for a in added]}",
    )
    unnamed += unnamed_focusable(d, "Push Groups")
    click(find(d, "push button", name="Save"), "Save")
    until("Push Groups to close", lambda: dialog(win, "Push Groups") is None)
    check(True, "Save closed Push Groups")
    time.sleep(SHIELD)
    check_whole("after Push Groups closed")

    # The mapping's row in Pushed groups, with its status.
    def mapping_row():
        table = find(win, "table", name="Mapping list")
        if table is None:
            return None
        for row in nodes(table):
            if row.getRoleName() == "table row" and "Okta Test Team" in texts(row):
                return row
        return None

    row = until("the new mapping's row in Pushed groups", mapping_row)
    cells = texts(row)
    statuses = ("Active", "Okta is pushing", "Pushing")
    check(any(s in cells for s in statuses), f"the mapping's row says its status: {cells}")
    click(row, "the mapping's row")
    until("the row selected", lambda: row.getState().contains(pyatspi.STATE_SELECTED))
    check(True, "the row is selected by its action")

    # The other dialogs, each opened by its menu item or button: named, modal, with no
    # unnamed focusable node, and closed by its own button.
    def by_menu(menu, item):
        def open_it():
            bar_item = until(f"the {menu} menu", lambda: find(frame(), "menu item", name=menu))
            click(bar_item, f"the {menu} menu")
            entry = until(f"{item} in the {menu} menu", lambda: find(app(), "menu item", name=item))
            click(entry, item)
            # Chosen by its action, the item closes its menu, as a click does.
            until(f"the {menu} menu to close", lambda: find(app(), "menu item", name=item) is None, 5)
            check(True, f"{item} closed the {menu} menu")

        return open_it

    def by_button(tab, button):
        def open_it():
            page = until(f"the {tab} tab", lambda: find(frame(), "page tab", starts=tab))
            click(page, f"the {tab} tab")
            b = until(button, lambda: find(frame(), "push button", name=button))
            click(b, button)

        return open_it

    for open_it, title in [
        (by_menu("File", "Settings…"), "Settings"),
        (by_menu("File", "Connect…"), "Connect to your org"),
        (by_menu("File", "Reset demo data…"), "Reset demo data?"),
        (by_menu("Help", "Keyboard shortcuts"), "Help"),
        (by_button("Okta groups", "New mapping group…"), "New mapping group"),
        (by_button("Pushed groups", "Push by rule…"), "Push by rule"),
    ]:
        open_it()
        d = until(f"the {title} dialog", lambda: dialog(frame(), title))
        check(d.getState().contains(pyatspi.STATE_MODAL), f"{title} is modal")
        unnamed += unnamed_focusable(d, title)
        close = next(
            (b for b in (find(d, "push button", name=n) for n in ("Close", "Cancel", "Not now")) if b),
            None,
        )
        check(close is not None, f"{title} has a button that closes it")
        click(close, f"{close.name} in {title}")
        until(f"{title} to close", lambda: dialog(frame(), title) is None)
        # Right after a dialog closes the app takes no click for a moment (the second
        # half of a double click must not reach what was behind it).
        time.sleep(SHIELD)
        check_whole(f"after {title} closed")

    # Explain, opened from Health's search by its button or by Enter, and closed by Close or
    # by Escape: afterwards the whole window answers again, the field among it.
    page = until("the Health tab", lambda: find(frame(), "page tab", starts="Health"))
    click(page, "the Health tab")
    for n, (opened, closed) in enumerate(
        [("button", "Close"), ("Enter", "Escape"), ("button", "Escape"), ("Enter", "Close")]
    ):
        round = f"{n + 1}: opened by {opened}, closed by {closed}"
        field = until("the Explain a person field", lambda: find(frame(), "entry", name="Explain a person:"))
        check(
            "EditableText" in field.get_interfaces(),
            f"the Explain a person field can be typed into ({field.get_interfaces()})",
        )
        set_text(field, "Gita Fernandes", "Explain a person")
        if opened == "Enter":
            # The field takes the keyboard by its accessible focus action (AT-SPI tells
            # focus only in an active window, which no window manager makes it here).
            keys()
            field.queryComponent().grabFocus()
            time.sleep(0.5)
            keys("Return")
        else:
            click(until("Explain", lambda: find(frame(), "push button", name="Explain")), "Explain")
        d = until(f"the Explain dialog ({round})", lambda: dialog(frame(), "Explain"))
        if closed == "Escape":
            keys("Escape")
        else:
            click(until("Close", lambda: find(d, "push button", name="Close")), "Close in Explain")
        until(f"Explain to close ({round})", lambda: dialog(frame(), "Explain") is None)
        time.sleep(SHIELD)
        check_whole(f"after Explain ({round})")
        after = find(frame(), "entry", name="Explain a person:")
        check(after is not None, f"the Explain a person field is reached after Explain ({round})")

    check(not unnamed, "no focusable node without a name: " + "; ".join(unnamed))
    print(f"the app through AT-SPI: {checks} checks passed")


if __name__ == "__main__":
    if sys.argv[1:] == ["first-use"]:
        first_use()
    else:
        main()
