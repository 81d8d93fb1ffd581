//! TEMPORARY stub.
pub async fn serve(_i: std::path::PathBuf, _a: std::net::SocketAddr) -> anyhow::Result<()> {
    Ok(())
}
