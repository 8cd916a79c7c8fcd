;;; apparatus-eglot.el --- apparatus language server with eglot  -*- lexical-binding: t -*-
;; Put this in your init file (Emacs 29+ has eglot built in; Emacs 28: install
;; eglot and markdown-mode from GNU ELPA / MELPA, or Debian's elpa-eglot, elpa-markdown-mode).

(require 'eglot)

;; `apparatus lsp' serves Markdown buffers.
(add-to-list 'eglot-server-programs '(markdown-mode . ("apparatus" "lsp")))

;; A corpus is the folder with `edition.toml': make it the project root, so that one
;; server serves the whole corpus.
(defun apparatus-project-find (dir)
  (let ((root (locate-dominating-file dir "edition.toml")))
    (and root (cons 'transient (expand-file-name root)))))
(add-hook 'project-find-functions #'apparatus-project-find)

;; Start eglot in Markdown buffers of a corpus, and only there.
(defun apparatus-eglot-maybe ()
  (when (and buffer-file-name (locate-dominating-file buffer-file-name "edition.toml"))
    (eglot-ensure)))
(add-hook 'markdown-mode-hook #'apparatus-eglot-maybe)

(provide 'apparatus-eglot)
;;; apparatus-eglot.el ends here
