// Sandbox Inspector webview entry (filled in by the inspector).
export {};
