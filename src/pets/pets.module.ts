import { Module } from '@nestjs/common';

// The pets API (CONTRACT §8) lands in its own commit.
@Module({})
export class PetsModule {}
