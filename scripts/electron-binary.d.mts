export function electronBinary(root: string): { binary: string | null; why: string | null };
export function hasDisplay(): boolean;
