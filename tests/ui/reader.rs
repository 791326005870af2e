//! What a screen reader on Linux can reach, frame by frame. AccessKit's AT-SPI adapter
//! serves a node only while it is registered: it registers a node when it comes into the
//! filtered tree (added, or its own change brings it in) and drops it when it leaves, and
//! it lists a parent's children from the whole tree. A node that is listed but was never
//! registered (or was dropped) reads as "Unknown object": Orca cannot reach it or
//! anything under it. [`Reader`] keeps the same books, from the tree each frame gives,
//! and [`Reader::faults`] names every node a screen reader would list but not reach.

use accesskit_consumer::{
    FilterResult, FullNodeId, NodeRef, Tree, TreeChangeHandler, common_filter as filter,
};
use egui::accesskit::{Role, TreeId, TreeInfo, TreeUpdate};
use egui_kittest::Harness;
use okta_statsig_teams::ui::App;
use std::collections::HashSet;

/// The nodes a screen reader's adapter has registered, kept frame by frame.
pub struct Reader {
    tree: Tree,
    known: HashSet<FullNodeId>,
}

/// The whole tree the app gave in its last frame (egui gives the whole tree each frame).
fn update(h: &Harness<'static, App>) -> TreeUpdate {
    let root = h.kittest_state().root();
    let mut nodes = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        nodes.push((n.locate().0, n.data().clone()));
        stack.extend(n.children());
    }
    TreeUpdate {
        nodes,
        tree: Some(TreeInfo::new(root.locate().0)),
        tree_id: TreeId::ROOT,
        focus: root.tree_state.focus_in_tree().locate().0,
    }
}

impl Reader {
    /// A screen reader that starts now: it registers what it can reach.
    pub fn start(h: &Harness<'static, App>) -> Self {
        let tree = Tree::new(update(h), true);
        let mut known = HashSet::new();
        let mut stack = vec![tree.state().root()];
        while let Some(n) = stack.pop() {
            known.insert(n.id());
            stack.extend(n.filtered_children(&filter));
        }
        Reader { tree, known }
    }

    /// Steps `frames` frames, taking each one's tree as the adapter does.
    pub fn step(&mut self, h: &mut Harness<'static, App>, frames: usize) {
        for _ in 0..frames {
            h.step();
            self.take(h);
        }
    }

    /// Takes the app's last frame.
    pub fn take(&mut self, h: &Harness<'static, App>) {
        let mut changes = Changes {
            known: &mut self.known,
            added: HashSet::new(),
            removed: HashSet::new(),
        };
        self.tree
            .update_and_process_changes(update(h), &mut changes);
    }

    /// Every node a screen reader is shown (a child of what it reaches) but cannot use:
    /// not registered (an unknown object), or of no known role.
    pub fn faults(&self) -> Vec<String> {
        let mut bad = Vec::new();
        let mut stack = vec![self.tree.state().root()];
        while let Some(n) = stack.pop() {
            let what = format!("{:?} {:?}", n.role(), n.label().unwrap_or_default());
            if !self.known.contains(&n.id()) {
                bad.push(format!("unknown object: {what}"));
                continue;
            }
            if n.role() == Role::Unknown {
                bad.push(format!("unknown role: {what}"));
            }
            stack.extend(n.filtered_children(&filter));
        }
        bad
    }
}

/// One frame's changes, booked as AccessKit's AT-SPI adapter books them.
struct Changes<'a> {
    known: &'a mut HashSet<FullNodeId>,
    added: HashSet<FullNodeId>,
    removed: HashSet<FullNodeId>,
}

impl Changes<'_> {
    fn add(&mut self, n: &NodeRef<'_>) {
        if self.added.insert(n.id()) {
            self.known.insert(n.id());
        }
    }

    fn add_subtree(&mut self, n: &NodeRef<'_>) {
        self.add(n);
        for c in n.filtered_children(&filter) {
            self.add_subtree(&c);
        }
    }

    fn remove(&mut self, n: &NodeRef<'_>) {
        if self.removed.insert(n.id()) {
            self.known.remove(&n.id());
        }
    }

    fn remove_subtree(&mut self, n: &NodeRef<'_>) {
        for c in n.filtered_children(&filter) {
            self.remove_subtree(&c);
        }
        self.remove(n);
    }
}

impl TreeChangeHandler for Changes<'_> {
    fn node_added(&mut self, n: &NodeRef<'_>) {
        if filter(n) == FilterResult::Include {
            self.add(n);
        }
    }

    fn node_updated(&mut self, old: &NodeRef<'_>, new: &NodeRef<'_>) {
        let (was, is) = (filter(old), filter(new));
        if was == is {
            return;
        }
        match (was, is) {
            (FilterResult::ExcludeSubtree, FilterResult::Include) => self.add_subtree(new),
            (_, FilterResult::Include) => self.add(new),
            (FilterResult::Include, FilterResult::ExcludeSubtree) => self.remove_subtree(old),
            (FilterResult::Include, _) => self.remove(old),
            _ => {}
        }
    }

    fn focus_moved(&mut self, _: Option<&NodeRef<'_>>, _: Option<&NodeRef<'_>>) {}

    fn node_removed(&mut self, n: &NodeRef<'_>) {
        if filter(n) == FilterResult::Include {
            self.remove(n);
        }
    }
}

impl Reader {
    /// What a screen reader reads under the node of `role` named `name` it reaches: the
    /// names of its children.
    pub fn reached(&self, role: Role, name: &str) -> Vec<String> {
        self.walk()
            .into_iter()
            .find(|n| n.role() == role && n.label().as_deref() == Some(name))
            .map(|n| {
                n.filtered_children(&filter)
                    .filter_map(|c| c.label())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether a screen reader reaches the text field named `name`.
    pub fn reached_field(&self, name: &str) -> bool {
        self.walk()
            .iter()
            .any(|n| n.role() == Role::TextInput && n.label().as_deref() == Some(name))
    }

    /// Every node a screen reader reaches.
    fn walk(&self) -> Vec<NodeRef<'_>> {
        let mut out = Vec::new();
        let mut stack = vec![self.tree.state().root()];
        while let Some(n) = stack.pop() {
            if !self.known.contains(&n.id()) {
                continue;
            }
            stack.extend(n.filtered_children(&filter));
            out.push(n);
        }
        out
    }
}
