//! Parsing and normalizing (placeholder until the parser lands).
use crate::error::Result;
use crate::model::*;
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorBody {
    pub error_code: Option<String>,
    pub error_msg: Option<String>,
    pub error_ext_msg: Option<String>,
}
pub fn parse_list_tasks_response(_b: &[u8], _o: ParseOptions) -> Result<TaskList> {
    Err(crate::DcsError::invalid_response("$", "unimplemented"))
}
pub fn parse_task_progress(_b: &[u8], _o: ParseOptions) -> Result<TaskProgress> {
    Err(crate::DcsError::invalid_response("$", "unimplemented"))
}
pub fn parse_error_body(_b: &[u8]) -> Option<ErrorBody> {
    None
}
