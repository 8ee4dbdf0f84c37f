#define SB_POLICY_DIR "/usr/local/share/sandbox/policies"
