;;; test-eglot.el --- check apparatus-eglot.el in a real (batch) Emacs  -*- lexical-binding: t -*-
;; emacs --batch -Q -l test-eglot.el SNIPPET CORPUS VOLUME [live [EXPECTED-DIAGNOSTICS]]
;; Loads the snippet, checks eglot's server program and the project root for a corpus
;; volume, a Markdown file outside the corpus, and with `live' opens the volume, lets the
;; snippet start `apparatus lsp' (found on PATH) and waits for its diagnostics.
;; Prints "emacs: N passed, M failed" and exits non-zero on failure.

(require 'package)
;; -Q skips site-start, where Debian adds its elpa-* packages.
(dolist (dir '("/usr/share/emacs/site-lisp/elpa"))
  (when (file-directory-p dir) (add-to-list 'package-directory-list dir)))
(package-initialize)

(defvar apparatus-test-failed 0)
(defvar apparatus-test-passed 0)
(defun apparatus-check (what ok &optional detail)
  (if ok
      (progn (setq apparatus-test-passed (1+ apparatus-test-passed))
             (message "ok: %s" what))
    (setq apparatus-test-failed (1+ apparatus-test-failed))
    (message "FAIL: %s %s" what (or detail ""))))

(let* ((args command-line-args-left)
       (snippet (expand-file-name (nth 0 args)))
       (corpus (file-name-as-directory (expand-file-name (nth 1 args))))
       (volume (expand-file-name (nth 2 args)))
       (live (equal (nth 3 args) "live"))
       (expected (and (nth 4 args) (string-to-number (nth 4 args))))
       (outside (make-temp-file "apparatus-outside" t)))
  (setq command-line-args-left nil)
  (load snippet nil t)
  (apparatus-check "eglot-server-programs maps markdown-mode to apparatus lsp"
                   (equal (cdr (assoc 'markdown-mode eglot-server-programs)) '("apparatus" "lsp"))
                   (format "%S" (assoc 'markdown-mode eglot-server-programs)))
  (apparatus-check "the project of a volume is its corpus"
                   (equal (file-name-as-directory (expand-file-name (project-root (project-current nil (file-name-directory volume)))))
                          corpus))
  (let ((notes (expand-file-name "notes.md" outside)))
    (with-temp-file notes (insert "# Notes\n"))
    (with-current-buffer (find-file-noselect notes)
      (run-hooks 'post-command-hook)
      (apparatus-check "no server outside a corpus" (not (eglot-current-server)))))
  (when live
    (with-current-buffer (find-file-noselect volume)
      (apparatus-check "a volume opens in markdown-mode" (derived-mode-p 'markdown-mode) (format "%s" major-mode))
      ;; eglot-ensure connects from post-command-hook; batch Emacs runs no commands.
      (run-hooks 'post-command-hook)
      (let ((deadline (+ (float-time) 30)))
        (while (and (not (eglot-current-server)) (< (float-time) deadline))
          (accept-process-output nil 0.1)))
      (let ((server (eglot-current-server)))
        (apparatus-check "eglot connected to apparatus" server)
        (when server
          (apparatus-check "the server's project is the corpus"
                           (equal (file-name-as-directory (expand-file-name (project-root (eglot--project server)))) corpus))
          (let ((deadline (+ (float-time) 30)))
            ;; Flymake starts its backends after a command; start it by hand.
            (while (and (null (flymake-diagnostics)) (< (float-time) deadline))
              (flymake-start)
              (accept-process-output nil 0.2)))
          (apparatus-check "diagnostics arrive in flymake" (flymake-diagnostics))
          (when expected
            ;; Let late publications settle, then compare with `apparatus check'.
            (accept-process-output nil 1.5)
            (flymake-start)
            (accept-process-output nil 0.5)
            (apparatus-check (format "flymake shows the %d diagnostics of `apparatus check'" expected)
                             (= (length (flymake-diagnostics)) expected)
                             (format "got %d" (length (flymake-diagnostics)))))
          (ignore-errors (eglot-shutdown server))))))
  (delete-directory outside t))

(message "emacs: %d passed, %d failed" apparatus-test-passed apparatus-test-failed)
(kill-emacs (if (zerop apparatus-test-failed) 0 1))
