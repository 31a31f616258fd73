//! Parsing and normalizing `ListInstances` bodies (`GET /v2/{project_id}/instances`) on
//! serde and serde_json: JSON text in, [`InstanceList`] out (or its contract JSON).
//!
//! Here rather than in `dcs-tasks-parse` (like the progress parser, [`crate::progress`]): a
//! page holds at most 1,000 instances, so this crate's `opt-level = "z"` costs little time
//! and saves the wasm bytes serde's generics weigh at 3 (BENCHMARKS.md).
//!
//! The same kit and rules as the task list (`dcs_tasks_parse::normalize`, `dcs_tasks_parse::de`): one
//! streaming pass of `DeserializeSeed`s carrying the wire path, keys mapped to derived field
//! enums, the same bounds (body, strings, keys, items, depth, warnings), and every tolerated
//! quirk a [`Warning`] at its wire path in the default mode and an `INVALID_RESPONSE` there
//! in strict mode:
//! - `instance_num`, `capacity`, `port`, `max_memory`, `used_memory`, `charging_mode` (integers)
//!   sent as strings of digits, and `enable_publicip`, `enable_ssl`, `service_upgrade`
//!   (booleans) sent as `"true"`/`"false"`: converted, `coerced_type`;
//! - `no_password_access` is documented as the string `"true"`/`"false"`: it becomes a boolean
//!   without a warning; a JSON boolean there is `coerced_type`;
//! - `capacity_minor` (a string holding GB, `"0.125"`) is folded into `capacity`: it is the
//!   capacity when the integer `capacity` is 0 or absent (an empty `capacity_minor` means
//!   none; sent as a number it is `coerced_type`, like the task list's capacities);
//! - fields the API definition does not have: `unknown_field`, dropped;
//! - `status` and `engine` outside the known sets: `unknown_value`, kept as sent;
//! - timestamps in another valid form: `coerced_type`, normalized (as in the task list).
//!
//! Anything else wrong (a missing `instance_id`, `name` or `status`, `instances` not an
//! array, a non-numeric capacity, invalid JSON) is `INVALID_RESPONSE` with the path.
//! Parsing never panics. A page holds at most [`MAX_INSTANCES`] instances.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use dcs_tasks_parse::de::{
    bad, boolean, check_body, check_known, check_visible, int, members, missing, owned, quote,
    raise, run, skip_unknown, string, time, Ctx, Loc, Scalar, ScalarSeed, Skip, StringsSeed, R,
};
use dcs_tasks_parse::error::Result;
use dcs_tasks_parse::model::{
    Instance, InstanceFeatures, InstanceList, InstanceTag, ParseOptions, WarningCode,
    MAX_SAFE_INTEGER,
};
use dcs_tasks_parse::{fields, refuse, self_seed, tri};

/// Most instances in one response (as many as tasks in a task-list response).
pub const MAX_INSTANCES: usize = dcs_tasks_parse::de::MAX_TASKS;

/// Instance `status` values in the docs (others pass through with `unknown_value`).
pub const KNOWN_INSTANCE_STATUSES: &[&str] = &[
    "CREATING",
    "CREATEFAILED",
    "RUNNING",
    "ERROR",
    "RESTARTING",
    "FROZEN",
    "EXTENDING",
    "RESTORING",
    "FLUSHING",
];

/// Instance `engine` values in the docs.
pub const KNOWN_ENGINES: &[&str] = &["Redis", "Memcached"];

fields!(TopField {
    InstanceNum,
    Instances
});
fields!(InstanceField {
    InstanceId,
    Name,
    Status,
    SubStatus,
    Description,
    Engine,
    EngineVersion,
    SpecCode,
    Capacity,
    CapacityMinor,
    MaxMemory,
    UsedMemory,
    CpuType,
    AzCodes,
    Features,
    Ip,
    Port,
    DomainName,
    ReadonlyDomainName,
    VpcId,
    VpcName,
    SubnetId,
    SecurityGroupId,
    EnablePublicip,
    PublicipId,
    PublicipAddress,
    EnableSsl,
    NoPasswordAccess,
    AccessUser,
    UserId,
    UserName,
    EnterpriseProjectId,
    Tags,
    ChargingMode,
    OrderId,
    CreatedAt,
    UpdatedAt,
    MaintainBegin,
    MaintainEnd,
    ServiceUpgrade,
    ServiceTaskId,
});
fields!(TagField { Key, Value });
fields!(FeatureField {
    SupportAcl,
    SupportTransparentClientIp,
    SupportSsl,
    SupportAuditLog,
});

/// Parses and normalizes a `ListInstances` response body.
#[allow(clippy::result_large_err)] // the crate's one error type, by value, is the contract
pub fn parse_list_instances_response(body: &[u8], opts: ParseOptions) -> Result<InstanceList> {
    list(body, opts).map_err(|e| *e)
}

fn list(body: &[u8], opts: ParseOptions) -> R<InstanceList> {
    let text = check_body(body)?;
    let mut ctx = Ctx::new(opts.strict);
    let mut count = None;
    let mut instances = None;
    run(text, &mut ctx, |de, ctx| {
        TopSeed {
            ctx,
            loc: &Loc::Root,
            count: &mut count,
            instances: &mut instances,
        }
        .deserialize(de)
    })?;
    let Some(instances) = instances else {
        return Err(missing(&Loc::Root.key("instances")));
    };
    let Some(instance_count) = count else {
        return Err(missing(&Loc::Root.key("instance_num")));
    };
    Ok(InstanceList {
        instance_count,
        instances,
        warnings: ctx.finish(),
    })
}

/// An integer documented as a JSON integer; a string of digits is a quirk (`coerced_type`).
fn int_or_digits(ctx: &mut Ctx, v: Scalar, loc: &Loc) -> R<Option<i64>> {
    let Scalar::Str(s) = &v else {
        return int(v, loc);
    };
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || digits.len() > 16 || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(bad(
            loc,
            format!("expected an integer, got the string {}", quote(s)),
        ));
    }
    let n: i64 = s.parse().map_err(|_| bad(loc, "integer out of range"))?;
    if n.unsigned_abs() > MAX_SAFE_INTEGER as u64 {
        return Err(bad(loc, format!("integer {n} out of range")));
    }
    ctx.quirk(WarningCode::CoercedType, loc, || {
        format!(
            "integer sent as the string {}; the API documents a number",
            quote(s)
        )
    })?;
    Ok(Some(n))
}

/// A non-negative integer ([`int_or_digits`]).
fn count_or_digits(ctx: &mut Ctx, v: Scalar, loc: &Loc) -> R<Option<u64>> {
    match int_or_digits(ctx, v, loc)? {
        Some(n) if n < 0 => Err(bad(
            loc,
            format!("expected a non-negative integer, got {n}"),
        )),
        n => Ok(n.map(|n| n as u64)),
    }
}

/// `"true"` / `"false"` as a boolean (`None` for other strings).
fn bool_text(s: &str) -> Option<bool> {
    match s {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// A boolean documented as a JSON boolean; `"true"`/`"false"` is a quirk (`coerced_type`).
fn bool_or_text(ctx: &mut Ctx, v: Scalar, loc: &Loc) -> R<Option<bool>> {
    let Scalar::Str(s) = &v else {
        return boolean(v, loc);
    };
    let Some(b) = bool_text(s) else {
        return Err(bad(
            loc,
            format!("expected a boolean, got the string {}", quote(s)),
        ));
    };
    ctx.quirk(WarningCode::CoercedType, loc, || {
        format!(
            "boolean sent as the string {}; the API documents a boolean",
            quote(s)
        )
    })?;
    Ok(Some(b))
}

/// `no_password_access`: documented as the string `"true"`/`"false"`; a JSON boolean is a
/// quirk (`coerced_type`).
fn bool_string(ctx: &mut Ctx, v: Scalar, loc: &Loc) -> R<Option<bool>> {
    match &v {
        Scalar::Str(s) => match bool_text(s) {
            Some(b) => Ok(Some(b)),
            None => Err(bad(
                loc,
                format!("expected \"true\" or \"false\", got {}", quote(s)),
            )),
        },
        Scalar::Bool(b) => {
            ctx.quirk(WarningCode::CoercedType, loc, || {
                "sent as a boolean; the API documents the string \"true\"/\"false\"".to_string()
            })?;
            Ok(Some(*b))
        }
        _ => boolean(v, loc),
    }
}

/// `capacity_minor`: a string holding GB; empty means none.
fn capacity_minor(ctx: &mut Ctx, v: Scalar, loc: &Loc) -> R<Option<f64>> {
    match &v {
        Scalar::Str(s) if s.is_empty() => Ok(None),
        _ => dcs_tasks_parse::normalize::capacity(ctx, v, loc),
    }
}

struct TopSeed<'c, 'l> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    count: &'c mut Option<u64>,
    instances: &'c mut Option<Vec<Instance>>,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> core::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> core::result::Result<(), A::Error> {
        let TopSeed {
            ctx,
            loc,
            count,
            instances,
        } = self;
        members(&mut map, ctx, loc, |map, ctx, f: TopField, kl| {
            match f {
                TopField::InstanceNum => {
                    let v = map.next_value_seed(ScalarSeed(2))?;
                    *count = tri!(ctx, count_or_digits(ctx, v, kl));
                }
                TopField::Instances => {
                    let seed = InstancesSeed {
                        ctx,
                        loc: kl,
                        _de: core::marker::PhantomData,
                    };
                    *instances = Some(map.next_value_seed(seed)?);
                }
                TopField::Unknown => return skip_unknown(map, ctx, kl, 2),
            }
            Ok(())
        })
    }
    refuse!("a JSON object"; bool num str null seq);
}

struct InstancesSeed<'c, 'l, 'de> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    _de: core::marker::PhantomData<&'de ()>,
}

self_seed!(InstancesSeed);

impl<'de> Visitor<'de> for InstancesSeed<'_, '_, 'de> {
    type Value = Vec<Instance>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> core::result::Result<Self::Value, A::Error> {
        let InstancesSeed { ctx, loc, .. } = self;
        let mut out = Vec::new();
        loop {
            if out.len() >= MAX_INSTANCES {
                if seq.next_element_seed(Skip(3))?.is_some() {
                    let e = bad(
                        loc,
                        format!("more than {MAX_INSTANCES} instances in one response"),
                    );
                    return Err(raise(ctx, e));
                }
                return Ok(out);
            }
            let il = loc.index(out.len());
            let seed = InstanceSeed {
                ctx: &mut *ctx,
                loc: &il,
                _de: core::marker::PhantomData,
            };
            match seq.next_element_seed(seed)? {
                Some(i) => out.push(i),
                None => return Ok(out),
            }
        }
    }
    fn visit_unit<E: de::Error>(self) -> core::result::Result<Self::Value, E> {
        Err(raise(self.ctx, missing(self.loc)))
    }
    refuse!("an array"; bool num str map);
}

struct InstanceSeed<'c, 'l, 'de> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    _de: core::marker::PhantomData<&'de ()>,
}

self_seed!(InstanceSeed);

/// The string field `f` of `i`, if `f` is one.
fn string_slot(i: &mut Instance, f: InstanceField) -> Option<&mut Option<String>> {
    use InstanceField as F;
    Some(match f {
        F::SubStatus => &mut i.sub_status,
        F::Description => &mut i.description,
        F::Engine => &mut i.engine,
        F::EngineVersion => &mut i.engine_version,
        F::SpecCode => &mut i.spec_code,
        F::CpuType => &mut i.cpu_type,
        F::Ip => &mut i.ip,
        F::DomainName => &mut i.domain_name,
        F::ReadonlyDomainName => &mut i.readonly_domain_name,
        F::VpcId => &mut i.vpc_id,
        F::VpcName => &mut i.vpc_name,
        F::SubnetId => &mut i.subnet_id,
        F::SecurityGroupId => &mut i.security_group_id,
        F::PublicipId => &mut i.publicip_id,
        F::PublicipAddress => &mut i.publicip_address,
        F::AccessUser => &mut i.access_user,
        F::UserId => &mut i.user_id,
        F::UserName => &mut i.user_name,
        F::EnterpriseProjectId => &mut i.enterprise_project_id,
        F::OrderId => &mut i.order_id,
        F::MaintainBegin => &mut i.maintain_begin,
        F::MaintainEnd => &mut i.maintain_end,
        F::ServiceTaskId => &mut i.service_task_id,
        _ => return None,
    })
}

/// What an instance's members give before the required fields are checked.
#[derive(Default)]
struct Draft {
    i: Instance,
    id: Option<String>,
    name: Option<String>,
    status: Option<String>,
    minor: Option<f64>,
}

/// One scalar member of an instance.
fn scalar(ctx: &mut Ctx, d: &mut Draft, f: InstanceField, v: Scalar, kl: &Loc) -> R<()> {
    use InstanceField as F;
    let i = &mut d.i;
    match f {
        F::Capacity => {
            i.capacity = count_or_digits(ctx, v, kl)?.map(|n| n as f64);
        }
        F::CapacityMinor => d.minor = capacity_minor(ctx, v, kl)?,
        F::MaxMemory => i.max_memory = int_or_digits(ctx, v, kl)?,
        F::UsedMemory => i.used_memory = int_or_digits(ctx, v, kl)?,
        F::Port => i.port = int_or_digits(ctx, v, kl)?,
        F::ChargingMode => i.charging_mode = int_or_digits(ctx, v, kl)?,
        F::EnablePublicip => i.enable_publicip = bool_or_text(ctx, v, kl)?,
        F::EnableSsl => i.enable_ssl = bool_or_text(ctx, v, kl)?,
        F::ServiceUpgrade => i.service_upgrade = bool_or_text(ctx, v, kl)?,
        F::NoPasswordAccess => i.no_password_access = bool_string(ctx, v, kl)?,
        F::CreatedAt => i.created_at = owned(time(ctx, v, kl)?),
        F::UpdatedAt => i.updated_at = owned(time(ctx, v, kl)?),
        F::InstanceId | F::Name | F::Status => {
            let s = owned(string(v, kl)?);
            match (f, &s) {
                (F::Status, Some(s)) => {
                    check_known(ctx, kl, "instance status", s, KNOWN_INSTANCE_STATUSES)?
                }
                (F::Name, Some(s)) => check_visible(ctx, kl, s),
                _ => {}
            }
            *match f {
                F::InstanceId => &mut d.id,
                F::Name => &mut d.name,
                _ => &mut d.status,
            } = s;
        }
        f => {
            let s = owned(string(v, kl)?);
            if let (F::Engine, Some(s)) = (f, &s) {
                check_known(ctx, kl, "engine", s, KNOWN_ENGINES)?;
            }
            if let Some(slot) = string_slot(i, f) {
                *slot = s;
            }
        }
    }
    Ok(())
}

impl<'de> Visitor<'de> for InstanceSeed<'_, '_, 'de> {
    type Value = Instance;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an instance object")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> core::result::Result<Self::Value, A::Error> {
        let InstanceSeed { ctx, loc, .. } = self;
        let mut d = Draft::default();
        members(&mut map, ctx, loc, |map, ctx, f: InstanceField, kl| {
            let pd = core::marker::PhantomData;
            match f {
                InstanceField::Unknown => return skip_unknown(map, ctx, kl, 4),
                InstanceField::AzCodes => {
                    let seed = StringsSeed {
                        ctx,
                        loc: kl,
                        depth: 4,
                        _de: pd,
                    };
                    let v = map.next_value_seed(seed)?;
                    d.i.az_codes = v.map(|v| v.into_iter().map(|s| s.into_owned()).collect());
                }
                InstanceField::Tags => {
                    d.i.tags = map.next_value_seed(TagsSeed {
                        ctx,
                        loc: kl,
                        _de: pd,
                    })?;
                }
                InstanceField::Features => {
                    d.i.features = map.next_value_seed(FeaturesSeed {
                        ctx,
                        loc: kl,
                        _de: pd,
                    })?;
                }
                f => {
                    let v = map.next_value_seed(ScalarSeed(4))?;
                    tri!(ctx, scalar(ctx, &mut d, f, v, kl));
                }
            }
            Ok(())
        })?;
        let Draft {
            mut i,
            id,
            name,
            status,
            minor,
        } = d;
        let required = [("instance_id", id), ("name", name), ("status", status)];
        for (slot, (k, v)) in [&mut i.instance_id, &mut i.name, &mut i.status]
            .into_iter()
            .zip(required)
        {
            match v {
                Some(v) => *slot = v,
                None => return Err(raise(ctx, missing(&loc.key(k)))),
            }
        }
        if minor.is_some() && i.capacity.is_none_or(|c| c == 0.0) {
            i.capacity = minor;
        }
        Ok(i)
    }
    refuse!("an instance object"; bool num str null seq);
}

struct TagsSeed<'c, 'l, 'de> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    _de: core::marker::PhantomData<&'de ()>,
}

self_seed!(TagsSeed);

impl<'de> Visitor<'de> for TagsSeed<'_, '_, 'de> {
    type Value = Option<Vec<InstanceTag>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of tags")
    }
    fn visit_unit<E: de::Error>(self) -> core::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> core::result::Result<Self::Value, A::Error> {
        let TagsSeed { ctx, loc, .. } = self;
        let mut out = Vec::new();
        loop {
            let il = loc.index(out.len());
            let seed = TagSeed {
                ctx: &mut *ctx,
                loc: &il,
                _de: core::marker::PhantomData,
            };
            let Some(t) = seq.next_element_seed(seed)? else {
                return Ok(Some(out));
            };
            if out.len() >= dcs_tasks_parse::de::MAX_ARRAY_ITEMS {
                let e = bad(
                    loc,
                    format!("more than {} entries", dcs_tasks_parse::de::MAX_ARRAY_ITEMS),
                );
                return Err(raise(ctx, e));
            }
            out.push(t);
        }
    }
    refuse!("an array of tags"; bool num str map);
}

struct TagSeed<'c, 'l, 'de> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    _de: core::marker::PhantomData<&'de ()>,
}

self_seed!(TagSeed);

impl<'de> Visitor<'de> for TagSeed<'_, '_, 'de> {
    type Value = InstanceTag;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a tag object")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> core::result::Result<Self::Value, A::Error> {
        let TagSeed { ctx, loc, .. } = self;
        let (mut key, mut value) = (None, None);
        members(&mut map, ctx, loc, |map, ctx, f: TagField, kl| {
            if f == TagField::Unknown {
                return skip_unknown(map, ctx, kl, 6);
            }
            let v = map.next_value_seed(ScalarSeed(6))?;
            let s = tri!(ctx, string(v, kl));
            *if f == TagField::Key {
                &mut key
            } else {
                &mut value
            } = owned(s);
            Ok(())
        })?;
        let Some(key) = key else {
            return Err(raise(ctx, missing(&loc.key("key"))));
        };
        Ok(InstanceTag {
            key,
            value: value.unwrap_or_default(),
        })
    }
    refuse!("a tag object"; bool num str null seq);
}

struct FeaturesSeed<'c, 'l, 'de> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    _de: core::marker::PhantomData<&'de ()>,
}

self_seed!(FeaturesSeed);

impl<'de> Visitor<'de> for FeaturesSeed<'_, '_, 'de> {
    type Value = Option<InstanceFeatures>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a features object")
    }
    fn visit_unit<E: de::Error>(self) -> core::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> core::result::Result<Self::Value, A::Error> {
        let FeaturesSeed { ctx, loc, .. } = self;
        let mut out = InstanceFeatures::default();
        members(&mut map, ctx, loc, |map, ctx, f: FeatureField, kl| {
            if f == FeatureField::Unknown {
                return skip_unknown(map, ctx, kl, 5);
            }
            let v = map.next_value_seed(ScalarSeed(5))?;
            let b = tri!(ctx, bool_or_text(ctx, v, kl));
            *match f {
                FeatureField::SupportAcl => &mut out.support_acl,
                FeatureField::SupportTransparentClientIp => &mut out.support_transparent_client_ip,
                FeatureField::SupportSsl => &mut out.support_ssl,
                _ => &mut out.support_audit_log,
            } = b;
            Ok(())
        })?;
        Ok(Some(out))
    }
    refuse!("a features object"; bool num str seq);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_types_name_their_path() {
        let e = parse_list_instances_response(
            br#"{"instance_num":1,"instances":{}}"#,
            ParseOptions::default(),
        )
        .unwrap_err();
        assert_eq!(e.path.as_deref(), Some("instances"));
    }
}
