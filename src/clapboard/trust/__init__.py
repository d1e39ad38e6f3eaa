"""Trust: Content Credentials on every output, consent for real people, watermarks and disclosure credits.

- ``credentials``: sign files with C2PA manifests (embedded, or a ``.c2pa``
  sidecar) with the project's certificate or a development one, and read them
  back as a chain.
- ``watermark``: an invisible mark in generated frames that survives JPEG.
- ``verify``: what ``clapboard verify FILE`` reports: credentials and watermark.
- ``consent``: the consent registry the speech and image backends check.
- ``credits`` and ``licences``: ``credits.md``, per department, with every
  model and its licence and every human approval; the words of the film's
  disclosure and credits cards.
- ``audit`` and ``representation``: ``audit.md``, the cast's voices against the
  script, and how the script describes its characters by sex and age.
"""
