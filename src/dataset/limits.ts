// Caps that keep the report small enough for Temporal history whatever the file size.
export const MAX_KEPT_ERRORS = 100;
export const MAX_KEPT_WARNINGS = 50;
export const MAX_KEPT_LINE_NUMBERS = 50;

/**
 * One example may carry up to 10 images of up to 10 MB each as base64 data URLs (~140 MB);
 * a longer line is reported instead of buffered, so a file without newlines cannot fill memory.
 */
export const MAX_LINE_BYTES = 160 * 1024 * 1024;
