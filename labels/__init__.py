"""Pure renderers: plain data in, PDF or ZPL bytes out. No ORM, no request, no Django model.

Labels (device, SIM, shelf, kit) name stock, not people; the kit label alone carries the
beneficiary's initials, on purpose, to find the bag on the pickup shelf. The handover receipt is
a document given to the person and kept by the charity: it names the beneficiary and the
mediator and carries the signature, and nothing more than the handover needs.
"""
