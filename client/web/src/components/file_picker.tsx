// A file field drawn by the app: the browser's own (with its "Choose File /
// No file chosen" in the browser's language) is visually hidden but stays the
// control that takes focus and opens the file dialog, so keyboard and screen
// readers use it as they know it; a label styled as a button shows the
// choice in the interface's language and draws the input's focus ring.
import { t } from "../i18n";

export interface FilePickerProps {
  id: string;
  accept: string;
  disabled?: boolean;
  /** The chosen file's name, shown beside the button; none shows "No file chosen". */
  chosen?: string;
  onFile: (file: File | undefined, input: HTMLInputElement) => void;
}

export function FilePicker({ id, accept, disabled, chosen, onFile }: FilePickerProps) {
  const m = t().filePicker;
  return (
    <div class="file-picker">
      <input id={id} type="file" class="sr-only" accept={accept} disabled={disabled}
        aria-describedby={`${id}-chosen`}
        onChange={(e) => {
          const input = e.target as HTMLInputElement;
          onFile(input.files?.[0], input);
        }} />
      <label for={id} class="button" data-disabled={disabled ? "true" : undefined}>
        {m.choose}
      </label>
      <span id={`${id}-chosen`} class="muted"><bdi>{chosen || m.none}</bdi></span>
    </div>
  );
}
