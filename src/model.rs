//! Normalized output types (placeholder until the parser lands).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    pub strict: bool,
}
#[derive(Debug, Clone, PartialEq)]
pub struct TaskList;
#[derive(Debug, Clone, PartialEq)]
pub struct Task;
#[derive(Debug, Clone, PartialEq)]
pub struct TaskDetails;
#[derive(Debug, Clone, PartialEq)]
pub struct TaskProgress;
#[derive(Debug, Clone, PartialEq)]
pub struct Warning;
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningCode {
    CoercedType,
}
