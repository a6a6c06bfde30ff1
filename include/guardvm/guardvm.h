/* libguardvm: the guardvm engine as a C library.
 *
 * Compile Guard rules into a pack in memory, load and save packs, and
 * evaluate JSON or YAML documents against a pack: statuses per rules file
 * and per rule, and the report `guardvm validate -o json` prints for the
 * document. Implemented by api/guardvm.cpp; used by the Python package
 * (python/guardvm) and by any program that links -lguardvm (pkg-config
 * guardvm). docs/embedding.md has a complete example.
 *
 * The contract:
 *   - Every function that can fail returns a guardvm_code (GUARDVM_OK is 0)
 *     and, when `error` is not NULL, stores a guardvm_error the caller frees
 *     with guardvm_error_free. Nothing aborts or throws: bad rules, bad packs,
 *     bad documents and exhausted memory are error codes.
 *   - A guardvm_pack is immutable once made: any number of threads may call
 *     guardvm_validate on one pack at once. Results and errors belong to the
 *     caller and to one thread at a time.
 *   - Strings passed in are UTF-8 with an explicit length where a length is
 *     taken (they may hold NUL bytes); strings returned are NUL-terminated and
 *     live as long as the object that returned them.
 *   - New functions may be added in later versions of this header; existing
 *     ones keep their meaning (GUARDVM_API_VERSION counts the additions).
 */
#ifndef GUARDVM_GUARDVM_H
#define GUARDVM_GUARDVM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GUARDVM_API_VERSION 1

#if defined(__GNUC__)
#define GUARDVM_EXPORT __attribute__((visibility("default")))
#else
#define GUARDVM_EXPORT
#endif

/* What a call returned. */
typedef enum guardvm_code {
  GUARDVM_OK = 0,
  GUARDVM_E_ARGUMENT = 1, /* a NULL or otherwise unusable argument */
  GUARDVM_E_IO = 2,       /* a file could not be read or written */
  GUARDVM_E_RULES = 3,    /* rules that do not compile (file:line:col diagnostics) */
  GUARDVM_E_PACK = 4,     /* bytes that are not a pack this library reads */
  GUARDVM_E_DATA = 5,     /* a document that is not JSON or YAML (cfn-guard's words) */
  GUARDVM_E_EVAL = 6,     /* evaluation stopped with an error (exit 255 in the CLI) */
  GUARDVM_E_NOMEM = 7,    /* memory ran out */
  GUARDVM_E_INTERNAL = 8  /* a bug in guardvm: please report it */
} guardvm_code;

/* A rule's, a rules file's or a document's verdict (the values of vm::Status). */
typedef enum guardvm_status { GUARDVM_SKIP = 0, GUARDVM_PASS = 1, GUARDVM_FAIL = 2 } guardvm_status;

typedef struct guardvm_error guardvm_error;
typedef struct guardvm_pack guardvm_pack;
typedef struct guardvm_result guardvm_result;

/* One rules text to compile: `name` is the rules file name reports show. */
typedef struct guardvm_source {
  const char* name;
  const char* text;
  size_t length;
} guardvm_source;

/* --- the library --- */

/* "guardvm 0.1.0 (revision ...)\ncfn-guard 3.1.1 compatible; rule packs: ...\n",
 * as `guardvm --version` prints it. Static storage. */
GUARDVM_EXPORT const char* guardvm_version(void);
/* GUARDVM_API_VERSION of the library actually loaded. */
GUARDVM_EXPORT int guardvm_api_version(void);

/* --- errors --- */

GUARDVM_EXPORT guardvm_code guardvm_error_code(const guardvm_error* error);
/* The message; for GUARDVM_E_RULES every diagnostic, one per line, each with
 * its source line and a caret. */
GUARDVM_EXPORT const char* guardvm_error_message(const guardvm_error* error);
GUARDVM_EXPORT void guardvm_error_free(guardvm_error* error);

/* --- packs --- */

/* Compiles `count` rules texts into one pack, as `guardc -o` does. */
GUARDVM_EXPORT guardvm_code guardvm_compile(const guardvm_source* sources, size_t count,
                                            guardvm_pack** pack, guardvm_error** error);
/* Compiles rules files and directories (their .guard and .ruleset files, in
 * name order), as `guardc -o PACK PATH...` does. */
GUARDVM_EXPORT guardvm_code guardvm_compile_files(const char* const* paths, size_t count,
                                                  guardvm_pack** pack, guardvm_error** error);
/* Reads a pack from bytes (`name` is used in messages) or from a .gpack file.
 * Every pack is checked (checksum, structure, verifier) before it is usable. */
GUARDVM_EXPORT guardvm_code guardvm_pack_read(const void* bytes, size_t size, const char* name,
                                              guardvm_pack** pack, guardvm_error** error);
GUARDVM_EXPORT guardvm_code guardvm_pack_load(const char* path, guardvm_pack** pack,
                                              guardvm_error** error);
/* Writes the pack to `path` (complete or not at all: written beside it, then renamed). */
GUARDVM_EXPORT guardvm_code guardvm_pack_save(const guardvm_pack* pack, const char* path,
                                              guardvm_error** error);
/* The pack's bytes, as guardvm_pack_save writes them; `*bytes` is freed with
 * guardvm_bytes_free. */
GUARDVM_EXPORT guardvm_code guardvm_pack_bytes(const guardvm_pack* pack, char** bytes, size_t* size,
                                               guardvm_error** error);
GUARDVM_EXPORT void guardvm_bytes_free(char* bytes);
/* The rules files of the pack, in evaluation order, by reported name. */
GUARDVM_EXPORT size_t guardvm_pack_file_count(const guardvm_pack* pack);
GUARDVM_EXPORT const char* guardvm_pack_file_name(const guardvm_pack* pack, size_t file);
GUARDVM_EXPORT void guardvm_pack_free(guardvm_pack* pack);

/* --- data files --- */

/* The data files `guardvm validate -d PATH...` would read, in its order:
 * each path walked depth-first (directories in name order, or by last
 * modification with `by_modified`), keeping the .yaml, .yml, .json, .jsn
 * and .template files (a file named itself too, as cfn-guard does) and
 * named pipes or devices. A path that does not exist is GUARDVM_E_IO with
 * the CLI's message. */
typedef struct guardvm_file_list guardvm_file_list;
GUARDVM_EXPORT guardvm_code guardvm_list_data_files(const char* const* paths, size_t count, int by_modified,
                                                    guardvm_file_list** list, guardvm_error** error);
GUARDVM_EXPORT size_t guardvm_file_list_count(const guardvm_file_list* list);
/* The path to read (as walked) and the name reports give it (canonical). */
GUARDVM_EXPORT const char* guardvm_file_list_path(const guardvm_file_list* list, size_t i);
GUARDVM_EXPORT const char* guardvm_file_list_name(const guardvm_file_list* list, size_t i);
GUARDVM_EXPORT void guardvm_file_list_free(guardvm_file_list* list);

/* --- evaluation --- */

/* Flags of guardvm_validate. */
#define GUARDVM_STATUS_ONLY 1u /* statuses only: no JSON report is written */
#define GUARDVM_STRUCTURED 2u  /* also the combined report (guardvm_result_structured_report) */

/* Evaluates one document (JSON or YAML text of `length` bytes) against every
 * rules file of the pack. `name` is the document's name in the report (the
 * CLI uses the canonical path of a file, or "STDIN"); NULL means "STDIN".
 * A document that does not parse is GUARDVM_E_DATA with the message the CLI
 * prints after "Error occurred ". */
GUARDVM_EXPORT guardvm_code guardvm_validate(const guardvm_pack* pack, const char* data, size_t length,
                                             const char* name, unsigned flags, guardvm_result** result,
                                             guardvm_error** error);
/* Reads `path` as `guardvm validate -d` does (same size limits, same UTF-8
 * check, same messages) and evaluates it; `name` NULL means the file's
 * canonical absolute path, as the CLI reports it. */
GUARDVM_EXPORT guardvm_code guardvm_validate_file(const guardvm_pack* pack, const char* path,
                                                  const char* name, unsigned flags,
                                                  guardvm_result** result, guardvm_error** error);

/* The document's verdict over every rules file: FAIL if any failed, else
 * PASS if any passed, else SKIP. */
GUARDVM_EXPORT guardvm_status guardvm_result_status(const guardvm_result* result);
/* The rules files that were evaluated: the pack's files that hold rules (a
 * file of only comments is not evaluated and has no report, as in the CLI). */
GUARDVM_EXPORT size_t guardvm_result_file_count(const guardvm_result* result);
GUARDVM_EXPORT const char* guardvm_result_file_name(const guardvm_result* result, size_t file);
GUARDVM_EXPORT guardvm_status guardvm_result_file_status(const guardvm_result* result, size_t file);
/* The rules of a file in evaluation order (parameterised rules excluded). */
GUARDVM_EXPORT size_t guardvm_result_rule_count(const guardvm_result* result, size_t file);
GUARDVM_EXPORT const char* guardvm_result_rule_name(const guardvm_result* result, size_t file, size_t rule);
GUARDVM_EXPORT guardvm_status guardvm_result_rule_status(const guardvm_result* result, size_t file,
                                                         size_t rule);
/* The JSON report of one rules file over the document: the object
 * `guardvm validate -o json` prints for that pair (no final newline). Empty
 * with GUARDVM_STATUS_ONLY. `length` may be NULL. */
GUARDVM_EXPORT const char* guardvm_result_file_report(const guardvm_result* result, size_t file,
                                                      size_t* length);
/* Every file's report in order, concatenated: the bytes `guardvm validate
 * -r PACK -d FILE -o json -S none` writes to stdout. */
GUARDVM_EXPORT const char* guardvm_result_report(const guardvm_result* result, size_t* length);
/* With GUARDVM_STRUCTURED: the document's combined report over every rules
 * file, the object that `guardvm validate --structured -o json` lists for
 * it (every rules file's report folded into one: FAIL over PASS over SKIP,
 * failures in rules-file order). The same JSON value as that list's element;
 * the text is that object printed on its own. Empty without the flag. */
GUARDVM_EXPORT const char* guardvm_result_structured_report(const guardvm_result* result, size_t* length);
GUARDVM_EXPORT void guardvm_result_free(guardvm_result* result);

#ifdef __cplusplus
}
#endif

#endif /* GUARDVM_GUARDVM_H */
