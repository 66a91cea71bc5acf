/*
 * lint.h: private to lib/check/: what the text of a plan says that its
 * tree cannot.
 */
#ifndef KP_LINT_H
#define KP_LINT_H

#include "check/check.h"

/*
 * Warnings about the frontmatter's text (kiplan-plan(5), LINT):
 * "kommentar" where ' #' cut a plain value short ("Vestergade 23 #2,
 * 7100 Vejle"), "tegn" where a key or a value begins with a no-break
 * space or a curly quotation mark.  Reads plan->text at the positions of
 * the nodes of plan->root, so that the fast reader and the full loader,
 * which give the same tree, give the same warnings.
 */
void kp_lint(const struct kp_plan *plan, struct kp_findings *out);

#endif
