/**
 * Text safe to print on a terminal: {@link io.hybridcni.text.Printable} shows the control characters, escape
 * sequences and reordering characters a value from a file or a server may hold as visible escapes.
 */
package io.hybridcni.text;
