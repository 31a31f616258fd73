//! Parsing and normalizing `ShowBackgroundTaskProgress` bodies
//! (`GET .../tasks/{task_id}/progress`) into [`TaskProgress`], with the list parser's kit
//! (`dcs_tasks_parse::de`): the same strictness, paths, warnings, bounds and error rules.
//! Here rather than in `dcs-tasks-parse` because a progress body is small: this crate's
//! size-tuned build is fast enough for it, and pages do not pay for a speed-tuned copy.

use std::fmt;

use dcs_tasks_parse::de::{
    check_body, check_known, int, members, owned, run, skip_unknown, string, time, Ctx, Loc,
    ScalarSeed, R,
};
use dcs_tasks_parse::{fields, refuse, self_seed, tri};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use dcs_tasks_parse::error::Result;
use dcs_tasks_parse::model::{ParseOptions, Step, SubStep, TaskProgress};
use dcs_tasks_parse::normalize::KNOWN_STEP_STATUSES;

/// Parses and normalizes a task progress response body
/// (`GET .../tasks/{task_id}/progress`).
#[allow(clippy::result_large_err)] // the crate's one error type, by value, is the contract
pub fn parse_task_progress(body: &[u8], opts: ParseOptions) -> Result<TaskProgress> {
    progress(body, opts).map_err(|e| *e)
}

fn progress(body: &[u8], opts: ParseOptions) -> R<TaskProgress> {
    let text = check_body(body)?;
    let mut ctx = Ctx::new(opts.strict);
    let mut p = run(text, &mut ctx, |de, ctx| {
        ProgressSeed {
            ctx,
            loc: &Loc::Root,
            _de: core::marker::PhantomData,
        }
        .deserialize(de)
    })?;
    p.warnings = ctx.finish();
    Ok(p)
}

struct ProgressSeed<'c, 'l, 'de> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    _de: core::marker::PhantomData<&'de ()>,
}

self_seed!(ProgressSeed);

impl<'de> Visitor<'de> for ProgressSeed<'_, '_, 'de> {
    type Value = TaskProgress;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> core::result::Result<Self::Value, A::Error> {
        let ProgressSeed { ctx, loc, .. } = self;
        let mut p = TaskProgress::default();
        members(&mut map, ctx, loc, |map, ctx, f: ProgressField, kl| {
            match f {
                ProgressField::Unknown => return skip_unknown(map, ctx, kl, 2),
                ProgressField::StepDetails => {
                    p.step_details = map.next_value_seed(ListSeed::new(ctx, kl))?;
                    return Ok(());
                }
                _ => {}
            }
            let v = map.next_value_seed(ScalarSeed(2))?;
            let n = tri!(ctx, int(v, kl));
            if f == ProgressField::Progress {
                p.progress = n;
            } else {
                p.remain_time = n;
            }
            Ok(())
        })?;
        Ok(p)
    }
    refuse!("a JSON object"; bool num str null seq);
}

/// An array of step or sub-step objects (`step_details`, `sub_step_details`); null is an
/// empty list.
struct ListSeed<'c, 'l, T> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    _t: core::marker::PhantomData<T>,
}

/// One step or sub-step object.
struct ObjSeed<'c, 'l, T> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    _t: core::marker::PhantomData<T>,
}

impl<'c, 'l, T> ListSeed<'c, 'l, T> {
    fn new(ctx: &'c mut Ctx, loc: &'l Loc<'l>) -> Self {
        ListSeed {
            ctx,
            loc,
            _t: core::marker::PhantomData,
        }
    }
}

impl<'de, T> DeserializeSeed<'de> for ListSeed<'_, '_, T>
where
    for<'x, 'y> ObjSeed<'x, 'y, T>: DeserializeSeed<'de, Value = T>,
{
    type Value = Vec<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> core::result::Result<Vec<T>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T> Visitor<'de> for ListSeed<'_, '_, T>
where
    for<'x, 'y> ObjSeed<'x, 'y, T>: DeserializeSeed<'de, Value = T>,
{
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_unit<E: de::Error>(self) -> core::result::Result<Vec<T>, E> {
        Ok(Vec::new())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> core::result::Result<Vec<T>, A::Error> {
        let mut out = Vec::new();
        loop {
            let il = self.loc.index(out.len());
            let seed = ObjSeed {
                ctx: &mut *self.ctx,
                loc: &il,
                _t: core::marker::PhantomData,
            };
            match seq.next_element_seed(seed)? {
                Some(t) => out.push(t),
                None => return Ok(out),
            }
        }
    }
    refuse!("an array"; bool num str map);
}

impl<'de> DeserializeSeed<'de> for ObjSeed<'_, '_, Step> {
    type Value = Step;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> core::result::Result<Step, D::Error> {
        d.deserialize_any(self)
    }
}

/// A step object at nesting 3 (`step_details[i]`).
impl<'de> Visitor<'de> for ObjSeed<'_, '_, Step> {
    type Value = Step;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a step object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> core::result::Result<Step, A::Error> {
        let ObjSeed { ctx, loc, .. } = self;
        let mut s = Step::default();
        members(&mut map, ctx, loc, |map, ctx, f: StepField, kl| {
            match f {
                StepField::Unknown => return skip_unknown(map, ctx, kl, 4),
                StepField::SubStepDetails => {
                    s.sub_step_details = map.next_value_seed(ListSeed::new(ctx, kl))?;
                    return Ok(());
                }
                _ => {}
            }
            let v = map.next_value_seed(ScalarSeed(4))?;
            match f {
                StepField::StepId => s.step_id = tri!(ctx, int(v, kl)),
                StepField::BeginTime => s.begin_time = owned(tri!(ctx, time(ctx, v, kl))),
                StepField::EndTime => s.end_time = owned(tri!(ctx, time(ctx, v, kl))),
                StepField::StepStatus => {
                    s.step_status = owned(tri!(ctx, string(v, kl)));
                    if let Some(st) = &s.step_status {
                        tri!(
                            ctx,
                            check_known(ctx, kl, "step status", st, KNOWN_STEP_STATUSES)
                        );
                    }
                }
                StepField::StepName => s.step_name = owned(tri!(ctx, string(v, kl))),
                _ => s.error_code = owned(tri!(ctx, string(v, kl))),
            }
            Ok(())
        })?;
        Ok(s)
    }
    refuse!("a step object"; bool num str null seq);
}

impl<'de> DeserializeSeed<'de> for ObjSeed<'_, '_, SubStep> {
    type Value = SubStep;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> core::result::Result<SubStep, D::Error> {
        d.deserialize_any(self)
    }
}

/// A sub-step object at nesting 5 (`step_details[i].sub_step_details[j]`).
impl<'de> Visitor<'de> for ObjSeed<'_, '_, SubStep> {
    type Value = SubStep;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sub-step object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> core::result::Result<SubStep, A::Error> {
        let ObjSeed { ctx, loc, .. } = self;
        let mut s = SubStep::default();
        members(&mut map, ctx, loc, |map, ctx, f: SubStepField, kl| {
            if f == SubStepField::Unknown {
                return skip_unknown(map, ctx, kl, 6);
            }
            let v = map.next_value_seed(ScalarSeed(6))?;
            match f {
                SubStepField::SubStepId => s.sub_step_id = tri!(ctx, int(v, kl)),
                SubStepField::BeginTime => s.begin_time = owned(tri!(ctx, time(ctx, v, kl))),
                SubStepField::EndTime => s.end_time = owned(tri!(ctx, time(ctx, v, kl))),
                SubStepField::SubStepStatus => {
                    s.sub_step_status = owned(tri!(ctx, string(v, kl)));
                    if let Some(st) = &s.sub_step_status {
                        let what = "sub-step status";
                        tri!(ctx, check_known(ctx, kl, what, st, KNOWN_STEP_STATUSES));
                    }
                }
                SubStepField::SubStepName => s.sub_step_name = owned(tri!(ctx, string(v, kl))),
                SubStepField::Detail => s.detail = owned(tri!(ctx, string(v, kl))),
                _ => s.error_code = owned(tri!(ctx, string(v, kl))),
            }
            Ok(())
        })?;
        Ok(s)
    }
    refuse!("a sub-step object"; bool num str null seq);
}

fields!(ProgressField {
    Progress,
    RemainTime,
    StepDetails
});
fields!(StepField {
    StepId,
    StepName,
    StepStatus,
    BeginTime,
    EndTime,
    ErrorCode,
    SubStepDetails,
});
fields!(SubStepField {
    SubStepId,
    SubStepName,
    SubStepStatus,
    BeginTime,
    EndTime,
    Detail,
    ErrorCode,
});
