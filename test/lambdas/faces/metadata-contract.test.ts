import { MemoryMetadata } from "./fakes";
import { describeMetadataContract } from "./metadata-contract";

describeMetadataContract("the in-memory fake", async () => ({ metadata: new MemoryMetadata() }));
