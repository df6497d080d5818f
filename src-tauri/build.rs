fn main() {
    // Declaring the app's commands here generates one permission per command, so the
    // capability file can grant exactly the commands the UI uses and nothing else.
    let commands = tauri_build::AppManifest::new().commands(&[
        "agent_view",
        "set_presence",
        "dial",
        "hang_up",
        "call_control",
        "answer",
        "send_dtmf",
        "transfer",
        "audio_devices",
        "set_audio_devices",
        "confirm_location",
        "audio_level",
        "demo_status",
        "demo_call_back",
        "supervisor_view",
        "supervisor_sign_in",
        "supervisor_acknowledge",
        "supervisor_sign_out",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(commands))
        .expect("tauri build script failed");
}
