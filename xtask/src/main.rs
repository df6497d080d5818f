fn main() -> anyhow::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::write(root.join(wire::TYPESCRIPT_PATH), wire::typescript_bindings())?;
    Ok(())
}
