import { create } from 'zustand';

export interface ToastAction {
  label: string;
  testId: string;
  /** The toast shows a spinner meanwhile, and the error in place if it fails. */
  run(): Promise<void>;
}

export interface Toast {
  id: number;
  /** A toast with the same key replaces the previous one (e.g. one restore toast per agent). */
  key: string | null;
  tone: 'info' | 'success' | 'error';
  message: string;
  testId: string;
  action: ToastAction | null;
  /** Milliseconds on screen (paused while hovered or focused); null: until dismissed. */
  timeout: number | null;
}

export type ToastInput = Partial<Omit<Toast, 'id' | 'message'>> & { message: string };

export function addToast(toasts: readonly Toast[], toast: Toast, max = 5): Toast[] {
  const rest = toast.key === null ? [...toasts] : toasts.filter((t) => t.key !== toast.key);
  return [...rest, toast].slice(-max);
}

interface ToastsState {
  toasts: readonly Toast[];
  nextId: number;
  show(input: ToastInput): number;
  dismiss(id: number): void;
}

export const useToasts = create<ToastsState>()((set, get) => ({
  toasts: [],
  nextId: 1,
  show(input) {
    const id = get().nextId;
    const toast: Toast = {
      id,
      key: input.key ?? null,
      tone: input.tone ?? 'info',
      message: input.message,
      testId: input.testId ?? 'toast',
      action: input.action ?? null,
      timeout: input.timeout === undefined ? 5000 : input.timeout,
    };
    set((state) => ({ toasts: addToast(state.toasts, toast), nextId: id + 1 }));
    return id;
  },
  dismiss(id) {
    set((state) => ({ toasts: state.toasts.filter((t) => t.id !== id) }));
  },
}));

export function showToast(input: ToastInput): number {
  return useToasts.getState().show(input);
}
