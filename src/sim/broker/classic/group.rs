//! `ClassicGroup` (Kafka's `classic/ClassicGroup.java`): the coordinator's state for one classic group,
//! its members, leader, protocol and generation, and the checks Kafka makes on it. The request handling
//! lives beside it, one file per request (`join`, `sync`, `heartbeat`, `leave`, `offset_commit`).

use super::member::{ClassicGroupMember, ReplyTo};
use crate::sim::assign::java_hash::{string_hash, JavaHashTable};
use crate::sim::protocol::{
    ConsumerProtocolSubscription, Errors, JoinGroupRequestProtocol, JoinGroupResponseMember,
};
use crate::sim::sort::CollectBTree;
use crate::sim::time::Millis;
use crate::sim::vocab::ClassicGroupState;

use std::collections::{BTreeMap, BTreeSet};

/// One classic group: members in a Java-`HashMap`-ordered map, pending and static bookkeeping, state.
#[derive(Clone, Debug)]
pub struct ClassicGroup {
    pub group_id: String,
    pub state: ClassicGroupState,
    pub previous_state: ClassicGroupState,
    pub generation_id: i32,
    pub protocol_type: Option<String>,
    pub protocol_name: Option<String>,
    pub leader_id: Option<String>,
    members: BTreeMap<String, ClassicGroupMember>,
    /// The member map's key layout, so iteration follows Java's `HashMap<String, _>` order.
    member_order: JavaHashTable<String>,
    pub pending_join_members: BTreeSet<String>,
    pub pending_sync_members: BTreeSet<String>,
    /// group.instance.id → member id.
    pub static_members: BTreeMap<String, String>,
    /// Set when a member joins during the initial (from Empty) join phase: the delay re-arms.
    pub new_member_added: bool,
    /// When the current rebalance began (the first PreparingRebalance since the group was last Stable or Empty).
    pub rebalance_started_at: Option<Millis>,
}

impl ClassicGroup {
    pub fn new(group_id: &str) -> Self {
        Self {
            group_id: group_id.to_string(),
            state: ClassicGroupState::Empty,
            previous_state: ClassicGroupState::Empty,
            generation_id: 0,
            protocol_type: None,
            protocol_name: None,
            leader_id: None,
            members: BTreeMap::new(),
            member_order: JavaHashTable::new(),
            pending_join_members: BTreeSet::new(),
            pending_sync_members: BTreeSet::new(),
            static_members: BTreeMap::new(),
            new_member_added: false,
            rebalance_started_at: None,
        }
    }

    pub fn is_in_state(&self, state: ClassicGroupState) -> bool {
        self.state == state
    }

    pub fn can_rebalance(&self) -> bool {
        ClassicGroupState::PreparingRebalance
            .valid_previous_states()
            .contains(&self.state)
    }

    /// Moves to `to` if Kafka allows it from the current state; returns the state left behind.
    pub fn transition_to(&mut self, to: ClassicGroupState) -> Result<ClassicGroupState, String> {
        if !to.valid_previous_states().contains(&self.state) {
            return Err(format!(
                "group {} cannot go from {} to {}",
                self.group_id, self.state, to
            ));
        }
        self.previous_state = self.state;
        self.state = to;
        Ok(self.previous_state)
    }

    pub fn has_member(&self, member_id: &str) -> bool {
        self.members.contains_key(member_id)
    }

    pub fn member(&self, member_id: &str) -> Option<&ClassicGroupMember> {
        self.members.get(member_id)
    }

    pub fn member_mut(&mut self, member_id: &str) -> Option<&mut ClassicGroupMember> {
        self.members.get_mut(member_id)
    }

    pub fn num_members(&self) -> usize {
        self.members.len()
    }

    pub fn is_leader(&self, member_id: &str) -> bool {
        self.leader_id.as_deref() == Some(member_id)
    }

    /// Member ids in Java `HashMap` iteration order.
    pub fn member_ids(&self) -> Vec<String> {
        self.member_order.iter().cloned().collect()
    }

    /// Members in Java `HashMap` iteration order.
    pub fn all_members(&self) -> Vec<&ClassicGroupMember> {
        self.member_order
            .iter()
            .filter_map(|id| self.members.get(id))
            .collect()
    }

    pub fn num_awaiting_join_response(&self) -> usize {
        self.members
            .values()
            .filter(|m| m.is_awaiting_join())
            .count()
    }

    pub fn has_all_members_joined(&self) -> bool {
        self.members.len() == self.num_awaiting_join_response()
            && self.pending_join_members.is_empty()
    }

    /// The group's rebalance timeout: the largest `max.poll.interval.ms` among its members.
    pub fn rebalance_timeout_ms(&self) -> Millis {
        self.members
            .values()
            .map(|m| m.rebalance_timeout_ms)
            .max()
            .unwrap_or(0)
    }

    pub fn static_member_id(&self, instance_id: &str) -> Option<&String> {
        self.static_members.get(instance_id)
    }

    /// `validateMember`: a static id must map to this member id (else FENCED_INSTANCE_ID), and the member
    /// must exist (else UNKNOWN_MEMBER_ID).
    pub fn validate_member(
        &self,
        member_id: &str,
        instance_id: Option<&str>,
    ) -> Result<(), Errors> {
        if let Some(instance) = instance_id {
            match self.static_member_id(instance) {
                None => return Err(Errors::UnknownMemberId),
                Some(existing) if existing != member_id => return Err(Errors::FencedInstanceId),
                Some(_) => {}
            }
        }
        if self.has_member(member_id) {
            Ok(())
        } else {
            Err(Errors::UnknownMemberId)
        }
    }

    /// `add`: the first member of a group without a leader becomes the leader.
    pub fn add(&mut self, member: ClassicGroupMember) {
        if let Some(instance) = &member.group_instance_id {
            self.static_members
                .insert(instance.clone(), member.member_id.clone());
        }
        if self.members.is_empty() {
            self.protocol_type = Some(member.protocol_type.clone());
        }
        if self.leader_id.is_none() {
            self.leader_id = Some(member.member_id.clone());
        }
        self.pending_join_members.remove(&member.member_id);
        order_insert(&mut self.member_order, &member.member_id);
        self.members.insert(member.member_id.clone(), member);
    }

    /// `updateMember`: a rejoining member's new protocols and timeouts; its JoinGroup is parked at `join`
    /// until the join phase completes.
    pub fn update_member(
        &mut self,
        member_id: &str,
        protocols: Vec<JoinGroupRequestProtocol>,
        rebalance_timeout_ms: Millis,
        session_timeout_ms: Millis,
        join: ReplyTo,
    ) {
        if let Some(member) = self.members.get_mut(member_id) {
            member.supported_protocols = protocols;
            member.rebalance_timeout_ms = rebalance_timeout_ms;
            member.session_timeout_ms = session_timeout_ms;
            member.consumer = join.consumer_handle();
            member.awaiting_join = Some(join);
        }
    }

    /// `remove`: a departing leader is replaced by the first remaining member in map order.
    pub fn remove(&mut self, member_id: &str) -> Option<ClassicGroupMember> {
        let removed = self.members.remove(member_id);
        order_remove(&mut self.member_order, member_id);
        if let Some(m) = &removed {
            if let Some(instance) = &m.group_instance_id {
                self.static_members.remove(instance);
            }
        }
        if self.is_leader(member_id) {
            self.leader_id = self.member_order.first().cloned();
        }
        self.pending_join_members.remove(member_id);
        self.pending_sync_members.remove(member_id);
        removed
    }

    /// `maybeElectNewJoinedLeader`: keep a leader that rejoined, else the first member awaiting join.
    pub fn maybe_elect_new_joined_leader(&mut self) -> bool {
        let Some(leader) = self.leader_id.clone() else {
            return false;
        };
        if self
            .members
            .get(&leader)
            .is_some_and(|m| m.is_awaiting_join())
        {
            return true;
        }
        let next = self
            .all_members()
            .into_iter()
            .find(|m| m.is_awaiting_join())
            .map(|m| m.member_id.clone());
        match next {
            Some(id) => {
                self.leader_id = Some(id);
                true
            }
            None => false,
        }
    }

    /// `replaceStaticMember`: the new id takes over the old member's assignment, timeouts and leadership.
    /// Returns the old member so that its parked requests can be fenced.
    pub fn replace_static_member(
        &mut self,
        instance_id: &str,
        old_member_id: &str,
        new_member_id: &str,
    ) -> Option<ClassicGroupMember> {
        let old = self.members.remove(old_member_id)?;
        order_remove(&mut self.member_order, old_member_id);
        let mut new_member = old.clone();
        new_member.member_id = new_member_id.to_string();
        new_member.awaiting_join = None;
        new_member.awaiting_sync = None;
        new_member.is_new = false;
        order_insert(&mut self.member_order, new_member_id);
        self.members.insert(new_member_id.to_string(), new_member);
        if self.is_leader(old_member_id) {
            self.leader_id = Some(new_member_id.to_string());
        }
        self.static_members
            .insert(instance_id.to_string(), new_member_id.to_string());
        self.pending_sync_members.remove(old_member_id);
        Some(old)
    }

    /// Protocols every member supports.
    fn candidate_protocols(&self) -> BTreeSet<String> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for m in self.members.values() {
            for p in &m.supported_protocols {
                *counts.entry(p.name.as_str()).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .filter(|(_, c)| *c == self.members.len())
            .map(|(n, _)| n.to_string())
            .collect_set()
    }

    /// `supportsProtocols`: an Empty group takes any non-empty list; otherwise one of the joiner's
    /// protocols must be supported by every current member.
    pub fn supports_protocols(
        &self,
        protocol_type: &str,
        protocols: &[JoinGroupRequestProtocol],
    ) -> bool {
        if self.is_in_state(ClassicGroupState::Empty) {
            return !protocol_type.is_empty() && !protocols.is_empty();
        }
        let candidates = self.candidate_protocols();
        self.protocol_type.as_deref() == Some(protocol_type)
            && protocols.iter().any(|p| candidates.contains(&p.name))
    }

    /// `selectProtocol`: each member votes for its first candidate; most votes wins, ties go to the
    /// protocol first in Java `HashMap<String, Integer>` order.
    pub fn select_protocol(&self) -> Option<String> {
        let candidates = self.candidate_protocols();
        let mut votes: BTreeMap<String, usize> = BTreeMap::new();
        let mut order = JavaHashTable::new();
        for m in self.all_members() {
            if let Some(v) = m.vote(&candidates) {
                order_insert(&mut order, &v);
                *votes.entry(v).or_default() += 1;
            }
        }
        let mut best: Option<(&str, usize)> = None;
        for name in order.iter() {
            let count = votes.get(name).copied().unwrap_or(0);
            if best.is_none_or(|(_, c)| count > c) {
                best = Some((name, count));
            }
        }
        best.map(|(n, _)| n.to_string())
    }

    /// `currentClassicGroupMembers`: what the leader's JoinGroup response lists.
    pub fn current_members_for_leader(&self) -> Vec<JoinGroupResponseMember> {
        let protocol = self.protocol_name.as_deref();
        self.all_members()
            .into_iter()
            .map(|m| JoinGroupResponseMember {
                member_id: m.member_id.clone(),
                group_instance_id: m.group_instance_id.clone(),
                metadata: m
                    .metadata(protocol)
                    .cloned()
                    .unwrap_or(ConsumerProtocolSubscription {
                        topics: Vec::new(),
                        owned_partitions: Vec::new(),
                        generation_id: -1,
                        rack_id: None,
                        sticky_user_data: None,
                    }),
            })
            .collect()
    }

    pub fn members_iter(&self) -> impl Iterator<Item = &ClassicGroupMember> {
        self.members.values()
    }

    pub fn members_mut(&mut self) -> impl Iterator<Item = &mut ClassicGroupMember> {
        self.members.values_mut()
    }
}

/// `put` of a String key: a new key goes last in its bucket; a present key keeps its place.
fn order_insert(order: &mut JavaHashTable<String>, key: &str) {
    order.insert(string_hash(key), key.to_string());
}

fn order_remove(order: &mut JavaHashTable<String>, key: &str) {
    order.remove(string_hash(key), &key.to_string());
}
